import type { Clock } from '../../platform/clock.ts';
import type { DbContext } from '../../platform/db.ts';
import { API_SCOPES } from '../api-scopes.ts';
import type { Principal } from '../authenticate-api-key.ts';
import { hashSessionToken, isSessionTokenShape } from './session-token.ts';

/**
 * The principal behind a session cookie, or undefined when the token is malformed, unknown, revoked or
 * expired, or its account is disabled. Not cached: a logged-out session stops working at once, on every
 * node. last_seen_at is refreshed at most once a minute so busy pages do not write on every request.
 */
export async function resolveSession({
  ctx,
  input,
}: {
  ctx: DbContext & { clock: Clock };
  input: { token: string };
}): Promise<Principal | undefined> {
  if (!isSessionTokenShape(input.token)) return undefined;
  const result = await ctx.db.query<{ sessionId: number; accountId: number; role: Principal['role'] }>({
    name: 'accounts.resolve-session',
    text: `UPDATE sessions s SET last_seen_at = CASE WHEN s.last_seen_at < $2::timestamptz - interval '1 minute'
                                                     THEN $2::timestamptz ELSE s.last_seen_at END
           FROM accounts a
           WHERE s.token_hash = $1 AND a.id = s.account_id AND s.revoked_at IS NULL AND s.expires_at > $2
             AND a.disabled_at IS NULL
           RETURNING s.id AS "sessionId", s.account_id AS "accountId", a.role`,
    values: [hashSessionToken(input.token), ctx.clock.now()],
  });
  const row = result.rows[0];
  if (!row) return undefined;
  return {
    accountId: row.accountId,
    role: row.role,
    apiKeyId: undefined,
    sessionId: row.sessionId,
    scopes: API_SCOPES,
    ipAllowlist: null,
    dailySpendLimit: null,
    handlerJsonErrors: false,
  };
}
