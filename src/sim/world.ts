/**
 * The simulated market's fixed facts: numpool's own catalog seed (countries with SMS-Activate ids and 5SIM
 * slugs, platforms with handler codes and slugs) plus operators per country. Using numpool's seed means
 * every code a persona speaks is one numpool can map, which is what the adapters are tested for.
 */
import { seedCatalogRows } from '../catalog/catalog-codes.ts';
import type { SeedCountry, SeedPlatform } from '../catalog/seed-types.ts';
import { countryOperators } from './country-operators.ts';

export interface World {
  seed: number;
  countries: readonly SeedCountry[];
  platforms: readonly SeedPlatform[];
  countryById: ReadonlyMap<number, SeedCountry>;
  countryBySlug: ReadonlyMap<string, SeedCountry>;
  platformById: ReadonlyMap<number, SeedPlatform>;
  platformByHandlerCode: ReadonlyMap<string, SeedPlatform>;
  platformBySlug: ReadonlyMap<string, SeedPlatform>;
  /** Every operator code of each country (the handler getOperators list; 5SIM pools pick from it). */
  operatorsByCountry: ReadonlyMap<number, readonly string[]>;
}

let cachedRows: ReturnType<typeof seedCatalogRows> | undefined;

/** The seed files are read once per process; several simulators (tests) share the parsed rows. */
function catalogRows(): ReturnType<typeof seedCatalogRows> {
  cachedRows ??= seedCatalogRows();
  return cachedRows;
}

export function buildWorld(seed: number): World {
  const { countries, platforms } = catalogRows();
  const sortedCountries = [...countries].sort((a, b) => a.id - b.id);
  const sortedPlatforms = [...platforms].sort((a, b) => a.id - b.id);
  return {
    seed,
    countries: sortedCountries,
    platforms: sortedPlatforms,
    countryById: new Map(sortedCountries.map((c) => [c.id, c])),
    countryBySlug: new Map(sortedCountries.flatMap((c) => (c.fivesim ? [[c.fivesim, c] as const] : []))),
    platformById: new Map(sortedPlatforms.map((p) => [p.id, p])),
    platformByHandlerCode: new Map(sortedPlatforms.map((p) => [p.handler_code, p])),
    platformBySlug: new Map(sortedPlatforms.map((p) => [p.code, p])),
    operatorsByCountry: new Map(sortedCountries.map((c) => [c.id, countryOperators(seed, c.id, c.iso2)])),
  };
}
