import { readFileSync } from 'node:fs';
import type { DbContext } from '../platform/db.ts';
import type { SeedCountry, SeedPlatform } from './seed-types.ts';

/** How adapters translate between provider codes and numpool's catalog ids. */
export interface CatalogCodes {
  /** SMS-Activate country id → numpool country id (identical numbering; membership = known). */
  countryIds: ReadonlySet<number>;
  /** 5SIM country slug ↔ numpool country id. */
  countryBySlug: ReadonlyMap<string, number>;
  slugByCountry: ReadonlyMap<number, string>;
  /** Handler service code ↔ numpool platform id. */
  platformByHandlerCode: ReadonlyMap<string, number>;
  handlerCodeByPlatform: ReadonlyMap<number, string>;
  /** Platform slug (also the 5SIM product name) ↔ numpool platform id. */
  platformBySlug: ReadonlyMap<string, number>;
  slugByPlatform: ReadonlyMap<number, string>;
  /** Dial code per country id (to normalise phones). */
  dialCodeByCountry: ReadonlyMap<number, string>;
}

export interface CodeRows {
  countries: Array<Pick<SeedCountry, 'id' | 'fivesim' | 'dial_code'>>;
  platforms: Array<Pick<SeedPlatform, 'id' | 'code' | 'handler_code'>>;
}

export function buildCatalogCodes(rows: CodeRows): CatalogCodes {
  const withSlug = rows.countries.filter((c): c is typeof c & { fivesim: string } => !!c.fivesim);
  return {
    countryIds: new Set(rows.countries.map((c) => c.id)),
    countryBySlug: new Map(withSlug.map((c) => [c.fivesim, c.id])),
    slugByCountry: new Map(withSlug.map((c) => [c.id, c.fivesim])),
    platformByHandlerCode: new Map(rows.platforms.map((p) => [p.handler_code, p.id])),
    handlerCodeByPlatform: new Map(rows.platforms.map((p) => [p.id, p.handler_code])),
    platformBySlug: new Map(rows.platforms.map((p) => [p.code, p.id])),
    slugByPlatform: new Map(rows.platforms.map((p) => [p.id, p.code])),
    dialCodeByCountry: new Map(rows.countries.map((c) => [c.id, c.dial_code])),
  };
}

/** The catalog as shipped in the seed files (the simulator's world, and tests without a database). */
export function seedCatalogRows(): { countries: SeedCountry[]; platforms: SeedPlatform[] } {
  const read = (file: string) => JSON.parse(readFileSync(new URL(`./seed/${file}`, import.meta.url), 'utf8'));
  return { countries: read('countries.json'), platforms: read('platforms.json') };
}

/** The catalog as it is in the database now. */
export async function loadCatalogCodes({ ctx }: { ctx: DbContext }): Promise<CatalogCodes> {
  const [countries, platforms] = await Promise.all([
    ctx.db.query<CodeRows['countries'][number]>('SELECT id, fivesim, dial_code FROM countries'),
    ctx.db.query<CodeRows['platforms'][number]>('SELECT id, code, handler_code FROM platforms'),
  ]);
  return buildCatalogCodes({ countries: countries.rows, platforms: platforms.rows });
}
