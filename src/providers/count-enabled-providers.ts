import type { DbContext } from '../platform/db.ts';

export async function countEnabledProviders({ ctx }: { ctx: DbContext }): Promise<number> {
  const result = await ctx.db.query<{ count: number }>(
    'SELECT count(*) AS count FROM providers WHERE enabled',
  );
  return result.rows[0]!.count;
}
