import type { Clock } from '../../platform/clock.ts';
import type { DbContext } from '../../platform/db.ts';

export interface OpenSession {
  id: number;
  createdAt: Date;
  lastSeenAt: Date;
  ip: string | null;
  userAgent: string | null;
}

/** The account's sessions that still work, most recently used first. */
export async function listSessions({
  ctx,
  input,
}: {
  ctx: DbContext & { clock: Clock };
  input: { accountId: number };
}): Promise<OpenSession[]> {
  const result = await ctx.db.query<OpenSession>(
    `SELECT id, created_at AS "createdAt", last_seen_at AS "lastSeenAt", host(ip) AS ip,
            user_agent AS "userAgent"
     FROM sessions WHERE account_id = $1 AND revoked_at IS NULL AND expires_at > $2
     ORDER BY last_seen_at DESC, id DESC LIMIT 200`,
    [input.accountId, ctx.clock.now()],
  );
  return result.rows;
}
