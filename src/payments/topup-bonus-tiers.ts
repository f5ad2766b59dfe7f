/** The operator's loyalty bonus tiers as they stand now (each top-up keeps its own snapshot of them). */
import type { DbContext, Queryable } from '../platform/db.ts';
import type { BonusTier } from './topup-terms.ts';

export async function readBonusTiers(db: Queryable): Promise<BonusTier[]> {
  const rows = await db.query<BonusTier>(
    'SELECT min_idr AS "minIdr", percent::text AS percent FROM topup_bonus_tiers ORDER BY min_idr',
  );
  return rows.rows;
}

export async function getTopupBonus({ ctx }: { ctx: DbContext }): Promise<{ tiers: BonusTier[] }> {
  return { tiers: await readBonusTiers(ctx.db) };
}
