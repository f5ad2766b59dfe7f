/**
 * An operator sets the loyalty bonus tiers, replacing the whole table (an empty list switches bonuses
 * off). Audited in the same transaction. Top-ups already created keep the tiers they snapshotted.
 */
import type { AuditActor } from '../audit/audit-actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { type DbContext, withTransaction } from '../platform/db.ts';
import { readBonusTiers } from './topup-bonus-tiers.ts';
import { type BonusTier, parseBonusTiers } from './topup-terms.ts';

export async function setTopupBonus({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { tiers: { minIdr: number; percent: string }[]; actor: AuditActor };
}): Promise<{ tiers: BonusTier[] }> {
  const tiers = parseBonusTiers(input.tiers);
  return withTransaction(ctx, async (tx) => {
    // Two operators setting tiers at once: one replaces the other's whole list, never a mix of both.
    await tx.db.query('LOCK TABLE topup_bonus_tiers IN SHARE ROW EXCLUSIVE MODE');
    const before = await readBonusTiers(tx.db);
    await tx.db.query('DELETE FROM topup_bonus_tiers');
    if (tiers.length > 0) {
      await tx.db.query(
        `INSERT INTO topup_bonus_tiers (min_idr, percent)
         SELECT * FROM unnest($1::bigint[], $2::numeric[])`,
        [tiers.map((t) => t.minIdr), tiers.map((t) => t.percent)],
      );
    }
    const after = await readBonusTiers(tx.db);
    await recordAudit({
      ctx: tx,
      input: {
        actor: input.actor,
        action: 'topup_bonus.set',
        target: { type: 'topup_bonus', id: 'tiers' },
        before: { tiers: before.map(tierView) },
        after: { tiers: after.map(tierView) },
      },
    });
    return { tiers: after };
  });
}

const tierView = (t: BonusTier) => ({ min_idr: t.minIdr, percent: t.percent });
