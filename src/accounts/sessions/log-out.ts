import type { AuditActor } from '../../audit/audit-actor.ts';
import { recordAudit } from '../../audit/record-audit.ts';
import type { Clock } from '../../platform/clock.ts';
import { type DbContext, withTransaction } from '../../platform/db.ts';
import { revokeAccountSessions, revokeSession } from './revoke-sessions.ts';

type SessionsContext = DbContext & { clock: Clock };

/** Logs this session out. */
export async function logOut({
  ctx,
  input,
}: {
  ctx: SessionsContext;
  input: { sessionId: number; actor: AuditActor };
}): Promise<void> {
  await withTransaction(ctx, async (tx) => {
    await revokeSession({ ctx: tx, input: { sessionId: input.sessionId } });
    await recordAudit({
      ctx: tx,
      input: {
        actor: input.actor,
        action: 'session.logout',
        target: { type: 'session', id: input.sessionId },
      },
    });
  });
}

/** Logs every session of the account out, the one asking included. Returns how many ended. */
export async function logOutEverywhere({
  ctx,
  input,
}: {
  ctx: SessionsContext;
  input: { accountId: number; actor: AuditActor };
}): Promise<number> {
  return withTransaction(ctx, async (tx) => {
    const revoked = await revokeAccountSessions({ ctx: tx, input: { accountId: input.accountId } });
    await recordAudit({
      ctx: tx,
      input: {
        actor: input.actor,
        action: 'session.logout_everywhere',
        target: { type: 'account', id: input.accountId },
        after: { sessions_revoked: revoked },
      },
    });
    return revoked;
  });
}
