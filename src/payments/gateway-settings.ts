/** A gateway's configuration as stored, credentials still sealed (what the top-up verbs need of it). */
import type { Queryable } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import { GATEWAY_CODES, type GatewayCode } from './gateway-port.ts';

export interface GatewaySettings {
  code: GatewayCode;
  enabled: boolean;
  baseUrl: string;
  credentialsSealed: string;
  /** Decimal strings in the gateway's currency; null: no limit of ours. */
  minAmount: string | null;
  maxAmount: string | null;
  feePercent: string;
  currencies: string[];
  methods: string[];
  timeoutMs: number;
  updatedAt: Date;
}

export const GATEWAY_COLUMNS = `code, enabled, base_url AS "baseUrl", credentials_sealed AS "credentialsSealed",
  min_amount::text AS "minAmount", max_amount::text AS "maxAmount", fee_percent::text AS "feePercent",
  currencies, methods, timeout_ms AS "timeoutMs", updated_at AS "updatedAt"`;

export function assertGatewayCode(code: string): GatewayCode {
  if (!(GATEWAY_CODES as readonly string[]).includes(code)) {
    throw new DomainError('VALIDATION_ERROR', `gateway must be one of ${GATEWAY_CODES.join(', ')}`);
  }
  return code as GatewayCode;
}

export async function readGatewaySettings(db: Queryable, code: GatewayCode): Promise<GatewaySettings> {
  const row = await db.query<GatewaySettings>(
    `SELECT ${GATEWAY_COLUMNS} FROM payment_gateways WHERE code = $1`,
    [code],
  );
  const settings = row.rows[0];
  if (!settings) throw new DomainError('NOT_FOUND', `payment gateway ${code} is not configured`);
  return settings;
}
