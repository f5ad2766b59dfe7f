/**
 * Which persona offers what. Each persona serves a set of countries and, in each, the top 100 platforms
 * plus a seeded ~4% of the long tail; the first persona (alpha by default) serves every country its
 * protocol can name and makes sure every platform is offered somewhere, and any country nobody drew goes
 * to the first handler persona. So the personas together cover the whole catalog, overlap heavily on
 * popular offers (what routing chooses between) and thinly on the long tail (what fallback is for).
 *
 * Computed once at start; only stock changes afterwards (on buy, cancel and expiry).
 */
import Big from 'big.js';
import { hasKnownOperators } from './country-operators.ts';
import {
  createPriceModel,
  type PriceModel,
  personaPriceUsd,
  rateFor,
  stockFor,
  toPersonaPrice,
} from './price-model.ts';
import { hashCell, hashOf, unit } from './seeded-random.ts';
import type { World } from './world.ts';

/** One operator's numbers within an offer. Handler offers have a single pool named 'any'. */
export interface OperatorPool {
  operator: string;
  /** Decimal string in the persona's currency. */
  cost: string;
  stock: number;
  /** 5SIM's "rate" (share of numbers that got an SMS). */
  rate: number;
}

export interface Offer {
  countryId: number;
  platformId: number;
  pools: OperatorPool[];
}

export interface CatalogSlice {
  /** Served country ids, ascending. */
  countryIds: readonly number[];
  /** country id → platform id → offer, both ascending. */
  offers: ReadonlyMap<number, ReadonlyMap<number, Offer>>;
  /**
   * Per served country: the operators numbers come from. Handler: the country's full list. 5SIM: the named
   * pools of this persona there (empty = numbers only as 'any').
   */
  operators: ReadonlyMap<number, readonly string[]>;
  offerCount: number;
}

export interface SliceInput {
  name: string;
  protocol: 'handler' | 'fivesim';
  currency: 'USD' | 'RUB';
  priceFactor: number;
}

/** Every persona offers the top platforms in every country it serves. */
export const TOP_PLATFORMS = 100;
const LONG_TAIL_SHARE = 0.04;
/** Share of countries a non-first persona serves (besides the core ones). */
const COUNTRY_SHARE = 0.7;
/** Countries every persona serves when its protocol can name them: the big markets. */
const CORE_COUNTRIES: ReadonlySet<number> = new Set([0, 1, 2, 4, 6, 7, 10, 12, 16, 22, 36, 43, 73, 187]);

export function buildCatalogSlices(world: World, personas: readonly SliceInput[]): CatalogSlice[] {
  const served = personas.map((persona, index) => servedCountries(world, persona, index === 0));
  const covered = new Set(served.flatMap((ids) => [...ids]));
  const firstHandler = personas.findIndex((p) => p.protocol === 'handler');
  if (firstHandler >= 0) {
    for (const country of world.countries) {
      if (!covered.has(country.id)) served[firstHandler]!.add(country.id);
    }
  }
  const prices = createPriceModel(world.seed);
  return personas.map((persona, index) =>
    buildSlice(
      world,
      prices,
      persona,
      [...served[index]!].sort((a, b) => a - b),
      index === 0,
    ),
  );
}

function servedCountries(world: World, persona: SliceInput, all: boolean): Set<number> {
  const ids = new Set<number>();
  for (const country of world.countries) {
    if (persona.protocol === 'fivesim' && !country.fivesim) continue;
    if (all || CORE_COUNTRIES.has(country.id)) ids.add(country.id);
    else if (unit(hashOf(world.seed, persona.name, 'serves', country.id)) < COUNTRY_SHARE)
      ids.add(country.id);
  }
  return ids;
}

function buildSlice(
  world: World,
  prices: PriceModel,
  persona: SliceInput,
  countryIds: number[],
  anchor: boolean,
): CatalogSlice {
  const offerHash = hashOf(world.seed, persona.name, 'offers');
  const platformIds = world.platforms.map((p) => p.id);
  // Compare raw hashes with a threshold: this loop runs ~400k times per persona.
  const longTailBelow = LONG_TAIL_SHARE * 0x1_0000_0000;
  const chosen = new Map<number, number[]>(countryIds.map((id) => [id, []]));
  const offeredSomewhere = new Set<number>();
  for (const countryId of countryIds) {
    const list = chosen.get(countryId)!;
    for (const platformId of platformIds) {
      if (platformId <= TOP_PLATFORMS || hashCell(offerHash, countryId, platformId) < longTailBelow) {
        list.push(platformId);
        offeredSomewhere.add(platformId);
      }
    }
  }
  if (anchor && countryIds.length > 0) {
    for (const platform of world.platforms) {
      if (offeredSomewhere.has(platform.id)) continue;
      const pick = Math.floor(
        unit(hashOf(world.seed, persona.name, 'home', platform.id)) * countryIds.length,
      );
      const list = chosen.get(countryIds[pick]!)!;
      list.push(platform.id);
      list.sort((a, b) => a - b);
    }
  }

  const operators = new Map<number, readonly string[]>();
  const offers = new Map<number, Map<number, Offer>>();
  const hashes: CellHashes = {
    jitter: hashOf(world.seed, persona.name, 'jitter'),
    cell: hashOf(world.seed, persona.name, 'cell'),
  };
  let offerCount = 0;
  for (const countryId of countryIds) {
    const pools = poolOperators(world, persona, countryId);
    operators.set(countryId, pools);
    const byPlatform = new Map<number, Offer>();
    for (const platformId of chosen.get(countryId)!) {
      byPlatform.set(platformId, buildOffer(prices, hashes, persona, countryId, platformId, pools));
      offerCount++;
    }
    offers.set(countryId, byPlatform);
  }
  return { countryIds, offers, operators, offerCount };
}

/** Handler: the country's operators. 5SIM: 0–3 named pools (2–3 where real names are known). */
function poolOperators(world: World, persona: SliceInput, countryId: number): readonly string[] {
  const all = world.operatorsByCountry.get(countryId) ?? [];
  if (persona.protocol === 'handler') return all;
  const known = hasKnownOperators(world.countryById.get(countryId)?.iso2 ?? null);
  const u = unit(hashOf(world.seed, persona.name, 'pools', countryId));
  const count = Math.min(all.length, known ? 2 + Math.floor(u * 2) : Math.floor(u * 4));
  // Real names are listed biggest first; take the leading ones. Virtual names rotate.
  const start = known ? 0 : Math.floor(u * 1000) % Math.max(1, all.length);
  return Array.from({ length: count }, (_, i) => all[(start + i) % all.length]!);
}

/** Distinct draws from one cell's hash. */
const SALT = { stock: 1, rate: 2, poolPrice: 3 } as const;

/** Per-persona base hashes, combined with country × platform in the hot loop. */
interface CellHashes {
  jitter: number;
  cell: number;
}

function buildOffer(
  prices: PriceModel,
  hashes: CellHashes,
  persona: SliceInput,
  countryId: number,
  platformId: number,
  named: readonly string[],
): Offer {
  const guaranteed = platformId <= 16 && (CORE_COUNTRIES.has(countryId) || platformId <= 2);
  const usd = personaPriceUsd(
    prices.basePriceUsd(countryId, platformId),
    persona.priceFactor,
    hashCell(hashes.jitter, countryId, platformId),
  );
  const cell = hashCell(hashes.cell, countryId, platformId);
  if (persona.protocol === 'handler' || named.length === 0) {
    return {
      countryId,
      platformId,
      pools: [
        {
          operator: 'any',
          cost: toPersonaPrice(usd, persona.currency),
          stock: stockFor(hashCell(cell, SALT.stock, 0), platformId, guaranteed),
          rate: rateFor(hashCell(cell, SALT.rate, 0)),
        },
      ],
    };
  }
  return {
    countryId,
    platformId,
    pools: named.map((operator, index) => ({
      operator,
      cost: toPersonaPrice(
        usd * (0.92 + 0.2 * unit(hashCell(cell, SALT.poolPrice, index))),
        persona.currency,
      ),
      // Only the first pool carries the guarantee: a popular offer always has some stock, not every operator.
      stock: stockFor(hashCell(cell, SALT.stock, index), platformId, guaranteed && index === 0),
      rate: rateFor(hashCell(cell, SALT.rate, index)),
    })),
  };
}

/** What 'any operator' costs and holds: the cheapest pool that has numbers, and the sum of stock. */
export function anyOperatorView(offer: Offer): { cost: string; stock: number; rate: number } {
  const pools = offer.pools;
  if (pools.length === 1) return { cost: pools[0]!.cost, stock: pools[0]!.stock, rate: pools[0]!.rate };
  const withStock = pools.filter((p) => p.stock > 0);
  const candidates = withStock.length > 0 ? withStock : pools;
  const cheapest = candidates.reduce((best, p) => (new Big(p.cost).lt(best.cost) ? p : best));
  return {
    cost: cheapest.cost,
    stock: pools.reduce((sum, p) => sum + p.stock, 0),
    rate: Math.max(...pools.map((p) => p.rate)),
  };
}

export function findOffer(slice: CatalogSlice, countryId: number, platformId: number): Offer | undefined {
  return slice.offers.get(countryId)?.get(platformId);
}
