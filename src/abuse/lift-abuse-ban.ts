import { findAccount } from '../accounts/find-account.ts';
import type { AuditActor } from '../audit/audit-actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { withTransaction } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import { type AbuseBan, BAN_COLUMNS, banInForce, lockAccountBans } from './abuse-ban.ts';
import type { AbuseContext } from './abuse-context.ts';

/**
 * An operator ends an account's ban now: it may create orders again at once, and only orders ending from
 * now on count towards the next judgment. Audited as `abuse_guard.lift` with the ban before and after.
 * Unknown account → NOT_FOUND; no ban in force → CONFLICT.
 */
export async function liftAbuseBan({
  ctx,
  input,
}: {
  ctx: AbuseContext;
  input: { accountId: number; actor: AuditActor };
}): Promise<AbuseBan> {
  return withTransaction(ctx, async (tx) => {
    await findAccount({ ctx: tx, input: { ref: String(input.accountId) } });
    await lockAccountBans(tx.db, input.accountId);
    const now = tx.clock.now();
    const before = await banInForce(tx.db, input.accountId, now);
    if (!before) throw new DomainError('CONFLICT', `account ${input.accountId} is not banned`);
    const lifted = await tx.db.query<AbuseBan>({
      name: 'abuse.lift-ban',
      text: `UPDATE abuse_bans SET lifted_at = $2, lifted_by = $3
             WHERE account_id = $1 AND lifted_at IS NULL AND until > $2
             RETURNING ${BAN_COLUMNS}`,
      values: [input.accountId, now, input.actor.kind === 'account' ? input.actor.accountId : null],
    });
    const after = lifted.rows.find((ban) => ban.id === before.id)!;
    const view = (ban: AbuseBan) => ({
      ban_id: ban.id,
      tier: ban.tier,
      until: ban.until.toISOString(),
      lifted_at: ban.liftedAt?.toISOString() ?? null,
    });
    await recordAudit({
      ctx: tx,
      input: {
        actor: input.actor,
        action: 'abuse_guard.lift',
        target: { type: 'account', id: input.accountId },
        before: { banned: true, ...view(before) },
        after: { banned: false, ...view(after) },
      },
    });
    return after;
  });
}
