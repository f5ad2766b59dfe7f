import type { DbContext } from '../platform/db.ts';

export interface Country {
  id: number;
  name: string;
  active: boolean;
  iso2: string | null;
  dialCode: string;
  emoji: string | null;
}

export async function listCountries({ ctx }: { ctx: DbContext }): Promise<Country[]> {
  const result = await ctx.db.query<Country>({
    name: 'catalog.list-countries',
    text: `SELECT id, name, active, iso2, dial_code AS "dialCode", emoji FROM countries ORDER BY id`,
  });
  return result.rows;
}
