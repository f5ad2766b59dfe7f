import type { Clock } from '../../platform/clock.ts';
import type { DbContext } from '../../platform/db.ts';
import { hashSessionToken, isSessionTokenShape } from './session-token.ts';

/** Ends one session (log out). Returns whether it was open. */
export async function revokeSession({
  ctx,
  input,
}: {
  ctx: DbContext & { clock: Clock };
  input: { sessionId: number };
}): Promise<boolean> {
  const result = await ctx.db.query(
    'UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL',
    [input.sessionId, ctx.clock.now()],
  );
  return (result.rowCount ?? 0) > 0;
}

/** Ends every session of an account ("log out everywhere", password change), except one if named. */
export async function revokeAccountSessions({
  ctx,
  input,
}: {
  ctx: DbContext & { clock: Clock };
  input: { accountId: number; exceptSessionId?: number | undefined };
}): Promise<number> {
  const result = await ctx.db.query(
    `UPDATE sessions SET revoked_at = $3
     WHERE account_id = $1 AND revoked_at IS NULL AND ($2::bigint IS NULL OR id <> $2)`,
    [input.accountId, input.exceptSessionId ?? null, ctx.clock.now()],
  );
  return result.rowCount ?? 0;
}

/** Ends the session behind a token, if any (the cookie a browser had before it logged in again). */
export async function revokeSessionToken({
  ctx,
  input,
}: {
  ctx: DbContext & { clock: Clock };
  input: { token: string };
}): Promise<boolean> {
  if (!isSessionTokenShape(input.token)) return false;
  const result = await ctx.db.query(
    'UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL',
    [hashSessionToken(input.token), ctx.clock.now()],
  );
  return (result.rowCount ?? 0) > 0;
}
