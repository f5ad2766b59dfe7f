import type { Config } from '../../config.ts';
import type { Clock } from '../../platform/clock.ts';
import type { DbContext } from '../../platform/db.ts';
import { createSession, type NewSession } from './create-session.ts';
import { revokeAccountSessions } from './revoke-sessions.ts';

/**
 * After a privilege change (new password, second factor turned on): every session of the account ends,
 * the one making the change included, and this browser gets a fresh one. A session stolen before the
 * change, or a token planted in this browser, is worthless after it.
 */
export async function rotateSession({
  ctx,
  input,
}: {
  ctx: DbContext & { clock: Clock; config: Pick<Config, 'sessions'> };
  input: { accountId: number; ip?: string | undefined; userAgent?: string | undefined };
}): Promise<{ session: NewSession; revoked: number }> {
  const revoked = await revokeAccountSessions({ ctx, input: { accountId: input.accountId } });
  const session = await createSession({ ctx, input });
  return { session, revoked };
}
