import type { AuditActor } from '../../audit/audit-actor.ts';
import { recordAudit } from '../../audit/record-audit.ts';
import type { Clock } from '../../platform/clock.ts';
import { type DbContext, withTransaction } from '../../platform/db.ts';
import { DomainError } from '../../platform/errors.ts';

/** Ends one of the account's own open sessions (another device). Someone else's, or a closed one → 404. */
export async function endSession({
  ctx,
  input,
}: {
  ctx: DbContext & { clock: Clock };
  input: { accountId: number; sessionId: number; actor: AuditActor };
}): Promise<void> {
  await withTransaction(ctx, async (tx) => {
    const now = ctx.clock.now();
    const ended = await tx.db.query(
      `UPDATE sessions SET revoked_at = $3
       WHERE id = $1 AND account_id = $2 AND revoked_at IS NULL AND expires_at > $3`,
      [input.sessionId, input.accountId, now],
    );
    if (ended.rowCount === 0) throw new DomainError('NOT_FOUND', `no open session ${input.sessionId}`);
    await recordAudit({
      ctx: tx,
      input: {
        actor: input.actor,
        action: 'session.revoke',
        target: { type: 'session', id: input.sessionId },
      },
    });
  });
}
