/**
 * Creates or updates a provider's settings. The credential is sealed with NUMPOOL_SECRET before it is
 * stored and is never read back out through any API.
 */
import type { AuditActor } from '../audit/audit-actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import type { CatalogCache } from '../catalog/catalog-cache.ts';
import type { DbContext } from '../platform/db.ts';
import { pgConstraint, withTransaction } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import { seal } from '../platform/secret-box.ts';
import { getProvider } from './list-providers.ts';
import type { ProviderCurrency } from './port.ts';
import { PROVIDER_COLUMNS, PROVIDER_KINDS, type ProviderKind, type ProviderRecord } from './provider.ts';

export interface ProviderInput {
  code?: string;
  kind?: ProviderKind;
  name?: string;
  enabled?: boolean;
  priority?: number;
  baseUrl?: string;
  credential?: string | null;
  currency?: ProviderCurrency;
  timeoutMs?: number;
  settings?: Record<string, unknown>;
  sandbox?: boolean;
}

const CURRENCIES: ProviderCurrency[] = ['USD', 'RUB', 'IDR'];

/** A provider as the audit log keeps it: no credential (only whether there is one), no push secret. */
export function auditedProvider(p: ProviderRecord) {
  return {
    code: p.code,
    kind: p.kind,
    name: p.name,
    enabled: p.enabled,
    priority: p.priority,
    base_url: p.baseUrl,
    currency: p.currency,
    timeout_ms: p.timeoutMs,
    settings: p.settings,
    has_credential: p.hasCredential,
  };
}

function validate(input: ProviderInput): void {
  const bad = (message: string) => {
    throw new DomainError('VALIDATION_ERROR', message);
  };
  if (input.code !== undefined && !/^[a-z0-9][a-z0-9_-]{0,39}$/.test(input.code)) {
    bad('code must be 1-40 lowercase letters, digits, - or _');
  }
  if (input.kind !== undefined && !PROVIDER_KINDS.includes(input.kind))
    bad(`kind must be ${PROVIDER_KINDS.join(' or ')}`);
  if (input.name !== undefined && (input.name.trim() === '' || input.name.length > 100))
    bad('name must be 1-100 characters');
  if (input.baseUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(input.baseUrl);
    } catch {
      bad('base_url must be an http(s) URL');
    }
    if (url && url.protocol !== 'http:' && url.protocol !== 'https:') bad('base_url must be an http(s) URL');
  }
  if (input.currency !== undefined && !CURRENCIES.includes(input.currency))
    bad('currency must be USD, RUB or IDR');
  if (
    input.timeoutMs !== undefined &&
    !(Number.isInteger(input.timeoutMs) && input.timeoutMs >= 100 && input.timeoutMs <= 120_000)
  ) {
    bad('timeout_ms must be from 100 to 120000');
  }
  if (
    input.priority !== undefined &&
    !(Number.isInteger(input.priority) && Math.abs(input.priority) <= 1_000_000)
  ) {
    bad('priority must be an integer');
  }
  if (
    input.credential !== undefined &&
    input.credential !== null &&
    (input.credential === '' || input.credential.length > 4096)
  ) {
    bad('credential must be 1-4096 characters');
  }
}

export async function createProvider({
  ctx,
  input,
}: {
  ctx: DbContext & { secret: string };
  /** With an actor (an operator's action), the creation is audited in the same transaction. */
  input: ProviderInput & Required<Pick<ProviderInput, 'code' | 'kind' | 'baseUrl'>> & { actor?: AuditActor };
}): Promise<ProviderRecord> {
  validate(input);
  try {
    return await withTransaction(ctx, async (tx) => {
      const result = await tx.db.query<ProviderRecord>(
        `INSERT INTO providers (code, kind, name, enabled, priority, base_url, credential_enc, currency, timeout_ms,
         settings, sandbox)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       RETURNING ${PROVIDER_COLUMNS}`,
        [
          input.code,
          input.kind,
          input.name ?? input.code,
          input.enabled ?? true,
          input.priority ?? 100,
          input.baseUrl.replace(/\/+$/, ''),
          input.credential ? seal(ctx.secret, input.credential) : null,
          input.currency ?? 'USD',
          input.timeoutMs ?? 10_000,
          JSON.stringify(input.settings ?? {}),
          input.sandbox ?? false,
        ],
      );
      const created = result.rows[0]!;
      if (input.actor) {
        await recordAudit({
          ctx: tx,
          input: {
            actor: input.actor,
            action: 'provider.create',
            target: { type: 'provider', id: created.id },
            after: auditedProvider(created),
          },
        });
      }
      return created;
    });
  } catch (error) {
    if (pgConstraint(error) === 'providers_code_key') {
      throw new DomainError('CONFLICT', `a provider with code ${input.code} already exists`);
    }
    throw error;
  }
}

const UPDATABLE: Record<string, string> = {
  name: 'name',
  enabled: 'enabled',
  priority: 'priority',
  baseUrl: 'base_url',
  currency: 'currency',
  timeoutMs: 'timeout_ms',
  settings: 'settings',
};

export async function updateProvider({
  ctx,
  input,
}: {
  ctx: DbContext & { secret: string; catalogCache?: CatalogCache };
  input: {
    ref: string | number;
    changes: Omit<ProviderInput, 'code' | 'kind' | 'sandbox'>;
    /** With an actor (an operator's action), the change is audited in the same transaction. */
    actor?: AuditActor;
  };
}): Promise<ProviderRecord> {
  validate(input.changes);
  const updated = await withTransaction(ctx, async (tx) => {
    const provider = await getProvider({ ctx: tx, input: { ref: input.ref } });
    const sets: string[] = [];
    const values: unknown[] = [provider.id];
    for (const [key, column] of Object.entries(UPDATABLE)) {
      const value = input.changes[key as keyof typeof input.changes];
      if (value === undefined) continue;
      values.push(
        key === 'settings'
          ? JSON.stringify(value)
          : key === 'baseUrl'
            ? String(value).replace(/\/+$/, '')
            : value,
      );
      sets.push(`${column} = $${values.length}`);
    }
    // A credential only ever goes to the host it was given for: moving a provider to another origin
    // drops it unless a new one comes with the move.
    const movesOrigin =
      input.changes.baseUrl !== undefined &&
      new URL(input.changes.baseUrl).origin !== originOf(provider.baseUrl);
    if (input.changes.credential !== undefined || movesOrigin) {
      const credential = input.changes.credential ?? null;
      values.push(credential === null ? null : seal(ctx.secret, credential));
      sets.push(`credential_enc = $${values.length}`);
    }
    if (sets.length === 0) return provider;
    const result = await tx.db.query<ProviderRecord>(
      `UPDATE providers SET ${sets.join(', ')}, updated_at = now() WHERE id = $1 RETURNING ${PROVIDER_COLUMNS}`,
      values,
    );
    const changed = result.rows[0]!;
    if (input.actor) {
      await recordAudit({
        ctx: tx,
        input: {
          actor: input.actor,
          action: 'provider.update',
          target: { type: 'provider', id: changed.id },
          before: auditedProvider(provider),
          // A new credential shows only as has_credential; this says it was replaced, never what it is.
          after: { ...auditedProvider(changed), credential_changed: input.changes.credential !== undefined },
        },
      });
    }
    return changed;
  });
  // Enabling, disabling or re-pointing a provider changes what the catalog may list.
  await ctx.catalogCache?.invalidate();
  return updated;
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
