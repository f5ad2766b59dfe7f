/** Small catalog look-ups by the codes and ids other protocols use. */
import type { DbContext } from '../platform/db.ts';

export async function findCountry({ ctx, input }: { ctx: DbContext; input: { countryId: number } }) {
  const result = await ctx.db.query<{ id: number; name: string; dialCode: string }>(
    'SELECT id, name, dial_code AS "dialCode" FROM countries WHERE id = $1 AND active',
    [input.countryId],
  );
  return result.rows[0];
}

export async function findCatalogProductId({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { countryId: number; platformId: number };
}): Promise<number | undefined> {
  const result = await ctx.db.query<{ id: number }>(
    'SELECT id FROM catalog_products WHERE country_id = $1 AND platform_id = $2 AND active',
    [input.countryId, input.platformId],
  );
  return result.rows[0]?.id;
}

export async function findOperatorId({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { countryId: number; code: string };
}): Promise<number | undefined> {
  const result = await ctx.db.query<{ id: number }>(
    'SELECT id FROM operators WHERE country_id = $1 AND code = $2',
    [input.countryId, input.code.toLowerCase()],
  );
  return result.rows[0]?.id;
}
