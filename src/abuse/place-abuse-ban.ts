import { SYSTEM_ACTOR } from '../audit/audit-actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { withTransaction } from '../platform/db.ts';
import {
  type AbuseBan,
  type BanReason,
  banInForce,
  banMinutes,
  lastBan,
  lockAccountBans,
  nextTier,
} from './abuse-ban.ts';
import type { AbuseContext } from './abuse-context.ts';

/**
 * Bans an account from creating orders, one tier above its previous ban when that ended recently
 * (abuse-ban.ts). Audited as `abuse_guard.ban` by the system. An account already banned keeps its ban:
 * the answer is then null.
 */
export async function placeAbuseBan({
  ctx,
  input,
}: {
  ctx: AbuseContext;
  input: { accountId: number; reason: BanReason };
}): Promise<AbuseBan | null> {
  return withTransaction(ctx, async (tx) => {
    await lockAccountBans(tx.db, input.accountId);
    const now = tx.clock.now();
    if (await banInForce(tx.db, input.accountId, now)) return null;
    const previous = await lastBan(tx.db, input.accountId);
    const tier = nextTier(previous, now);
    // Whole seconds, so `until` on the wire and Retry-After agree.
    const until = new Date(
      Math.ceil((now.getTime() + banMinutes(tier, tx.config.abuseGuard.banMinutes) * 60_000) / 1000) * 1000,
    );
    const inserted = await tx.db.query<AbuseBan>({
      name: 'abuse.place-ban',
      text: `INSERT INTO abuse_bans (account_id, tier, started_at, until, reason) VALUES ($1, $2, $3, $4, $5)
             RETURNING id, account_id AS "accountId", tier, started_at AS "startedAt", until,
               lifted_at AS "liftedAt", lifted_by AS "liftedBy", reason`,
      values: [input.accountId, tier, now, until, JSON.stringify(input.reason)],
    });
    const ban = inserted.rows[0]!;
    await recordAudit({
      ctx: tx,
      input: {
        actor: SYSTEM_ACTOR,
        action: 'abuse_guard.ban',
        target: { type: 'account', id: input.accountId },
        before: { banned: false, previous_tier: previous?.tier ?? null },
        after: { banned: true, tier, until: until.toISOString(), reason: input.reason },
      },
    });
    return ban;
  });
}
