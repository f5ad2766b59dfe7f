import type { DbContext } from '../platform/db.ts';

export interface Service {
  id: number;
  code: string;
  handlerCode: string;
  name: string;
  active: boolean;
}

const COLUMNS = `p.id, p.code, p.handler_code AS "handlerCode", p.name, p.active`;

/**
 * All platforms; with a country, only those that currently have an active, in-stock product there from an
 * enabled provider.
 */
export async function listServices({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { countryId?: number | undefined };
}): Promise<Service[]> {
  if (input.countryId === undefined) {
    const all = await ctx.db.query<Service>({
      name: 'catalog.list-services',
      text: `SELECT ${COLUMNS} FROM platforms p ORDER BY p.id`,
    });
    return all.rows;
  }
  const inCountry = await ctx.db.query<Service>({
    name: 'catalog.list-services-in-country',
    text: `SELECT ${COLUMNS} FROM platforms p
           WHERE p.active AND EXISTS (
             SELECT 1 FROM catalog_products cp
             JOIN products pr ON pr.catalog_product_id = cp.id AND pr.active AND pr.available > 0
             JOIN providers pv ON pv.id = pr.provider_id AND pv.enabled
             WHERE cp.platform_id = p.id AND cp.country_id = $1 AND cp.active)
           ORDER BY p.id`,
    values: [input.countryId],
  });
  return inCountry.rows;
}
