import type { Config } from '../../config.ts';
import type { Clock } from '../../platform/clock.ts';
import type { DbContext } from '../../platform/db.ts';
import { generateSessionToken, hashSessionToken } from './session-token.ts';

export interface NewSession {
  id: number;
  /** The cookie value; never stored, shown only here. */
  token: string;
  expiresAt: Date;
}

/**
 * Opens a session for an account that has just proven who it is (password and second factor, OIDC).
 * A fresh token every time: a login never reuses a token an attacker could have planted (fixation).
 */
export async function createSession({
  ctx,
  input,
}: {
  ctx: DbContext & { clock: Clock; config: Pick<Config, 'sessions'> };
  input: { accountId: number; ip?: string | undefined; userAgent?: string | undefined };
}): Promise<NewSession> {
  const token = generateSessionToken();
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + ctx.config.sessions.days * 86_400_000);
  const result = await ctx.db.query<{ id: number }>(
    `INSERT INTO sessions (account_id, token_hash, created_at, last_seen_at, expires_at, ip, user_agent)
     VALUES ($1, $2, $3, $3, $4, $5, $6) RETURNING id`,
    [
      input.accountId,
      hashSessionToken(token),
      now,
      expiresAt,
      input.ip ?? null,
      input.userAgent?.slice(0, 512) ?? null,
    ],
  );
  return { id: result.rows[0]!.id, token, expiresAt };
}
