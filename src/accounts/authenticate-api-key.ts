import { LRUCache } from 'lru-cache';
import type { DbContext } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import type { AccountRole } from './account.ts';
import { hashApiKey, isApiKeyShape } from './api-key.ts';
import { API_SCOPES, type ApiScope } from './api-scopes.ts';

/** Who a request acts for: an API key, or (on /api and /admin/api) a signed-in session. */
export interface Principal {
  accountId: number;
  role: AccountRole;
  /** Set when the request presented an API key. */
  apiKeyId: number | undefined;
  /** Set when the request presented a session cookie. */
  sessionId: number | undefined;
  scopes: readonly ApiScope[];
  /** The account prefers HeroSMS-style JSON errors on the handler API. */
  handlerJsonErrors: boolean;
}

/**
 * Recently authenticated keys, so hot polling clients cost no database round trip per request. A revoked
 * key or disabled account is refused within API_KEY_CACHE_TTL_MS. Unknown keys are never cached.
 */
export type ApiKeyCache = LRUCache<string, Principal>;
export const API_KEY_CACHE_TTL_MS = 5_000;

export function createApiKeyCache(): ApiKeyCache {
  return new LRUCache<string, Principal>({ max: 50_000, ttl: API_KEY_CACHE_TTL_MS });
}

/** Resolves a presented key to its account. Malformed, unknown, revoked or disabled → UNAUTHORIZED. */
export async function authenticateApiKey({
  ctx,
  input,
}: {
  ctx: DbContext & { apiKeyCache?: ApiKeyCache };
  input: { key: string };
}): Promise<Principal> {
  // Keys are issued lowercase; clients that upper-case hex still mean the same key.
  const key = input.key.toLowerCase();
  if (!isApiKeyShape(key)) throw new DomainError('UNAUTHORIZED', 'invalid API key');
  const cached = ctx.apiKeyCache?.get(key);
  if (cached) return cached;
  const result = await ctx.db.query<Omit<Principal, 'sessionId' | 'scopes'>>({
    name: 'accounts.authenticate-api-key',
    text: `SELECT k.account_id AS "accountId", a.role, k.id AS "apiKeyId", a.handler_json_errors AS "handlerJsonErrors"
           FROM api_keys k JOIN accounts a ON a.id = k.account_id
           WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND a.disabled_at IS NULL`,
    values: [hashApiKey(key)],
  });
  const row = result.rows[0];
  if (!row) throw new DomainError('UNAUTHORIZED', 'invalid API key');
  const principal: Principal = { ...row, sessionId: undefined, scopes: API_SCOPES };
  ctx.apiKeyCache?.set(key, principal);
  return principal;
}
