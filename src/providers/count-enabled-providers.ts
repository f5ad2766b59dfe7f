import type { DbContext } from '../platform/db.ts';

/** Enabled providers other than the sandbox's simulated ones: what decides `NUMPOOL_DEMO=auto`. */
export async function countEnabledProviders({ ctx }: { ctx: DbContext }): Promise<number> {
  const result = await ctx.db.query<{ count: number }>(
    'SELECT count(*) AS count FROM providers WHERE enabled AND NOT sandbox',
  );
  return result.rows[0]!.count;
}
