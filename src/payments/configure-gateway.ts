/**
 * An operator configures a payment gateway: where it is, its credentials (sealed at rest with
 * NUMPOOL_SECRET, like provider credentials), what numpool accepts through it. Audited in the same
 * transaction; the audit keeps which credential fields changed, never their values.
 */
import Big from 'big.js';
import type { AuditActor } from '../audit/audit-actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { type DbContext, withTransaction } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import { seal } from '../platform/secret-box.ts';
import type { GatewayCode } from './gateway-port.ts';
import { gatewayFor } from './gateway-registry.ts';
import { assertGatewayCode, GATEWAY_COLUMNS, type GatewaySettings } from './gateway-settings.ts';
import { parseAmount } from './topup.ts';

export interface ConfigureGatewayInput {
  code: GatewayCode;
  enabled: boolean;
  baseUrl: string;
  /** Required the first time; omitted later, the stored credentials stay. */
  credentials?: Record<string, string> | undefined;
  /** Decimal strings in the gateway's currency (major units); null or omitted: no limit. */
  minAmount?: string | null | undefined;
  maxAmount?: string | null | undefined;
  /** Decimal percent, e.g. "2.5". */
  feePercent?: string | undefined;
  currencies: string[];
  methods?: string[] | undefined;
  timeoutMs?: number | undefined;
  actor: AuditActor;
}

export type GatewayView = Omit<GatewaySettings, 'credentialsSealed'>;

export async function configureGateway({
  ctx,
  input,
}: {
  ctx: DbContext & { secret: string };
  input: ConfigureGatewayInput;
}): Promise<GatewayView> {
  const code = assertGatewayCode(input.code);
  let url: URL;
  try {
    url = new URL(input.baseUrl);
  } catch {
    throw new DomainError('VALIDATION_ERROR', 'base_url must be an absolute http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new DomainError('VALIDATION_ERROR', 'base_url must be an absolute http(s) URL');
  }
  const min = input.minAmount == null ? null : parseAmount(input.minAmount, 'min_amount');
  const max = input.maxAmount == null ? null : parseAmount(input.maxAmount, 'max_amount');
  if (min?.lte(0) || max?.lte(0) || (min && max && min.gt(max))) {
    throw new DomainError('VALIDATION_ERROR', 'min_amount and max_amount must be positive, min at most max');
  }
  const fee = input.feePercent ?? '0';
  if (!/^[0-9]{1,2}(\.[0-9]{1,3})?$/.test(fee)) {
    throw new DomainError('VALIDATION_ERROR', 'fee_percent must be a decimal from 0 to 99.999');
  }
  const currencies = [...new Set(input.currencies.map((c) => c.toUpperCase()))];
  if (currencies.length === 0 || currencies.some((c) => !/^[A-Z]{3}$/.test(c))) {
    throw new DomainError('VALIDATION_ERROR', 'currencies must be one or more ISO 4217 codes');
  }
  const methods = [...new Set(input.methods ?? [])];
  if (methods.some((m) => !/^[A-Za-z0-9_-]{1,32}$/.test(m))) {
    throw new DomainError('VALIDATION_ERROR', 'methods must be short codes (letters, digits, _ and -)');
  }
  const timeoutMs = input.timeoutMs ?? 10_000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 120_000) {
    throw new DomainError('VALIDATION_ERROR', 'timeout_ms must be from 100 to 120000');
  }
  const credentials = input.credentials;
  if (credentials && Object.values(credentials).some((v) => typeof v !== 'string' || v.length === 0)) {
    throw new DomainError('VALIDATION_ERROR', 'credentials must be non-empty strings');
  }
  if (credentials) {
    // The adapter itself says which credentials it needs: a gateway saved without them would fail
    // every top-up and notification later.
    try {
      gatewayFor({ code, baseUrl: url.href, credentials, timeoutMs });
    } catch (error) {
      throw new DomainError('VALIDATION_ERROR', `credentials: ${(error as Error).message}`);
    }
  }

  return withTransaction(ctx, async (tx) => {
    const previous = await tx.db.query<GatewaySettings>(
      `SELECT ${GATEWAY_COLUMNS} FROM payment_gateways WHERE code = $1 FOR UPDATE`,
      [code],
    );
    const before = previous.rows[0];
    if (!before && !credentials) {
      throw new DomainError(
        'VALIDATION_ERROR',
        `credentials are required to configure ${code} the first time`,
      );
    }
    const sealed = credentials ? seal(ctx.secret, JSON.stringify(credentials)) : before!.credentialsSealed;
    const saved = await tx.db.query<GatewaySettings>(
      `INSERT INTO payment_gateways
         (code, enabled, base_url, credentials_sealed, min_amount, max_amount, fee_percent, currencies, methods, timeout_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (code) DO UPDATE SET enabled = excluded.enabled, base_url = excluded.base_url,
         credentials_sealed = excluded.credentials_sealed, min_amount = excluded.min_amount,
         max_amount = excluded.max_amount, fee_percent = excluded.fee_percent, currencies = excluded.currencies,
         methods = excluded.methods, timeout_ms = excluded.timeout_ms, updated_at = now()
       RETURNING ${GATEWAY_COLUMNS}`,
      [
        code,
        input.enabled,
        url.href.replace(/\/$/, ''),
        sealed,
        min?.toFixed(2) ?? null,
        max?.toFixed(2) ?? null,
        new Big(fee).toFixed(3),
        currencies,
        methods,
        timeoutMs,
      ],
    );
    const after = saved.rows[0]!;
    const visible = (s: GatewaySettings) => {
      const { credentialsSealed: _sealed, updatedAt: _at, ...rest } = s;
      return rest;
    };
    await recordAudit({
      ctx: tx,
      input: {
        actor: input.actor,
        action: 'payment_gateway.configure',
        target: { type: 'payment_gateway', id: code },
        before: before ? visible(before) : null,
        after: {
          ...visible(after),
          credentials_changed: credentials !== undefined,
          ...(credentials ? { credential_fields: Object.keys(credentials).sort() } : {}),
        },
      },
    });
    const { credentialsSealed: _sealed, ...view } = after;
    return view;
  });
}
