import type { Clock } from '../platform/clock.ts';
import type { DbContext } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import type { Logger } from '../platform/logger.ts';
import type { AccountRole } from './account.ts';
import { hashApiKey, isApiKeyShape } from './api-key.ts';
import type { ApiKeyCache } from './api-key-cache.ts';
import type { ApiScope } from './api-scopes.ts';
import { addressAllowed } from './ip-allowlist.ts';

/** Who a request acts for: an API key, or (on /api and /admin/api) a signed-in session. */
export interface Principal {
  accountId: number;
  role: AccountRole;
  /** Set when the request presented an API key. */
  apiKeyId: number | undefined;
  /** Set when the request presented a session cookie. */
  sessionId: number | undefined;
  scopes: readonly ApiScope[];
  /** CIDR ranges the key may be used from; null: anywhere (and always null for a session). */
  ipAllowlist: readonly string[] | null;
  /** IDR the key may spend per UTC day; null: no limit (and always null for a session). */
  dailySpendLimit: number | null;
  /** The account prefers HeroSMS-style JSON errors on the handler API. */
  handlerJsonErrors: boolean;
}

type Row = Omit<Principal, 'sessionId'>;

/** The message for a key used from outside its allowlist: it names neither the list nor the account. */
export const ADDRESS_REFUSED = 'this API key may not be used from this address';

/**
 * Resolves a presented key to its account. Malformed, unknown, revoked or disabled → UNAUTHORIZED; a key
 * used from outside its allowlist → FORBIDDEN. An accepted key's use is recorded (last_used_at, ip) at most
 * once a minute per process, after the answer, never delaying it.
 */
export async function authenticateApiKey({
  ctx,
  input,
}: {
  ctx: DbContext & { apiKeyCache?: ApiKeyCache; clock?: Clock; log?: Logger };
  /** The client's address; without one, a key with an allowlist is refused and no use is recorded. */
  input: { key: string; ip?: string | undefined };
}): Promise<Principal> {
  // Keys are issued lowercase; clients that upper-case hex still mean the same key.
  const key = input.key.toLowerCase();
  if (!isApiKeyShape(key)) throw new DomainError('UNAUTHORIZED', 'invalid API key');
  const cache = ctx.apiKeyCache;
  let principal = cache?.get(key);
  if (!principal) {
    const generation = cache?.generation ?? 0;
    const result = await ctx.db.query<Row>({
      name: 'accounts.authenticate-api-key',
      text: `SELECT k.account_id AS "accountId", a.role, k.id AS "apiKeyId", k.scopes,
                    k.ip_allowlist::text[] AS "ipAllowlist", k.daily_spend_limit AS "dailySpendLimit",
                    a.handler_json_errors AS "handlerJsonErrors"
             FROM api_keys k JOIN accounts a ON a.id = k.account_id
             WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND a.disabled_at IS NULL`,
      values: [hashApiKey(key)],
    });
    const row = result.rows[0];
    if (!row) throw new DomainError('UNAUTHORIZED', 'invalid API key');
    principal = { ...row, sessionId: undefined };
    cache?.set(key, principal, generation);
  }
  if (principal.ipAllowlist !== null && !addressAllowed(principal.ipAllowlist, input.ip ?? '')) {
    throw new DomainError('FORBIDDEN', ADDRESS_REFUSED);
  }
  if (input.ip && cache && principal.apiKeyId !== undefined && cache.claimUseRecord(principal.apiKeyId)) {
    recordUse(ctx, principal.apiKeyId, input.ip);
  }
  return principal;
}

function recordUse(ctx: DbContext & { clock?: Clock; log?: Logger }, keyId: number, ip: string): void {
  const at = ctx.clock?.now() ?? new Date();
  // Its own statement on the pool, not awaited: a lost write only makes last_used_at a minute older.
  ctx.pool
    .query({
      name: 'accounts.record-api-key-use',
      text: `UPDATE api_keys SET last_used_at = greatest(last_used_at, $2), last_used_ip = $3::inet WHERE id = $1`,
      values: [keyId, at, ip],
    })
    .catch((error: unknown) => ctx.log?.warn({ err: error, keyId }, 'could not record an API key use'));
}
