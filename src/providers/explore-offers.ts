/**
 * The public price explorer: the pool's offers per country × platform matching a free-text search — the
 * cheapest in-stock price, the total stock, and how the provider behind that cheapest slot has delivered
 * there (smoothed success rate and median time to the code), when numpool has seen orders for it.
 *
 * Read-only and key-free: names, prices and stock come from the in-memory catalog snapshot and the
 * seeded country and platform lists; no provider is named.
 */
import type { ListedProduct } from '../catalog/catalog-cache.ts';
import { type Country, listCountries } from '../catalog/list-countries.ts';
import { listServices, type Service } from '../catalog/list-services.ts';
import { fromIdrUp } from '../platform/money.ts';
import { getUsdRate } from '../pricing/exchange-rate.ts';
import { deliveryStatsKey, loadDeliveryStatsFor } from './delivery-stats.ts';
import type { ProvidersContext } from './providers-context.ts';

export interface ExploreQuery {
  /** Matches a platform's name or code (case-insensitive substring); empty: every platform. */
  service?: string | undefined;
  /** Matches a country's name (substring), ISO code or dial code; empty: every country. */
  country?: string | undefined;
  /** Clamped to 1–100; default 50. */
  limit?: number | undefined;
}

export interface ExploredOffer {
  countryId: number;
  countryName: string;
  countryEmoji: string | null;
  platformId: number;
  platformName: string;
  /** Cheapest selling price, IDR. */
  priceIdr: number;
  /** The same in USD at the current rate, rounded up to the cent. */
  priceUsd: string;
  /** Numbers in stock over every provider. */
  available: number;
  /** null until orders for the cheapest slot's provider have finished here. */
  successRate: number | null;
  medianTimeToCodeMs: number | null;
}

export interface Exploration {
  offers: ExploredOffer[];
  /** Matching country × platform pairs in stock, before the limit. */
  total: number;
}

const normalize = (text: string | undefined) => (text ?? '').trim().toLowerCase().slice(0, 100);

function matchesService(service: Service, query: string): boolean {
  return (
    service.name.toLowerCase().includes(query) || service.code === query || service.handlerCode === query
  );
}

/** An ISO code or a dial code names one country exactly; other text matches names. */
function matchingCountries(countries: Country[], query: string): Country[] {
  const byIso = countries.filter((c) => c.iso2?.toLowerCase() === query);
  if (byIso.length > 0) return byIso;
  const dial = query.replace(/^\+/, '');
  if (/^\d+$/.test(dial)) return countries.filter((c) => c.dialCode.replace(/^\+/, '') === dial);
  return countries.filter((c) => c.name.toLowerCase().includes(query));
}

/** The cheapest slot per country × platform among those slots (ties: the larger stock, then the id). */
function cheapestPerPair(slots: Iterable<ListedProduct>) {
  const pairs = new Map<string, { cheapest: ListedProduct; available: number }>();
  for (const slot of slots) {
    const key = `${slot.countryId}:${slot.platformId}`;
    const pair = pairs.get(key);
    if (!pair) pairs.set(key, { cheapest: slot, available: slot.available });
    else {
      pair.available += slot.available;
      const c = pair.cheapest;
      if (slot.price < c.price || (slot.price === c.price && slot.available > c.available))
        pair.cheapest = slot;
    }
  }
  return [...pairs.values()];
}

export async function exploreOffers({
  ctx,
  input,
}: {
  ctx: ProvidersContext;
  input: ExploreQuery;
}): Promise<Exploration> {
  const limit = Math.min(100, Math.max(1, Math.trunc(input.limit ?? 50)));
  const serviceQuery = normalize(input.service);
  const countryQuery = normalize(input.country);
  const [snapshot, countries, services, usd] = await Promise.all([
    ctx.catalogCache.get(ctx),
    listCountries({ ctx }),
    listServices({ ctx, input: {} }),
    getUsdRate({ ctx }),
  ]);
  const countryById = new Map(countries.map((c) => [c.id, c]));
  const serviceById = new Map(services.map((s) => [s.id, s]));
  const countryIds = countryQuery
    ? new Set(matchingCountries(countries, countryQuery).map((c) => c.id))
    : undefined;
  const platformIds = serviceQuery
    ? new Set(services.filter((s) => matchesService(s, serviceQuery)).map((s) => s.id))
    : undefined;

  const slots = snapshot.products.filter(
    (p) => (!countryIds || countryIds.has(p.countryId)) && (!platformIds || platformIds.has(p.platformId)),
  );
  const pairs = cheapestPerPair(slots).sort(
    (a, b) =>
      a.cheapest.price - b.cheapest.price ||
      b.available - a.available ||
      a.cheapest.countryId - b.cheapest.countryId ||
      a.cheapest.platformId - b.cheapest.platformId,
  );
  const page = pairs.slice(0, limit);
  const stats = await loadDeliveryStatsFor({ ctx, input: { keys: page.map((p) => p.cheapest) } });
  return {
    total: pairs.length,
    offers: page.map(({ cheapest, available }) => {
      const seen = stats.get(deliveryStatsKey(cheapest));
      const known = seen !== undefined && seen.samples > 0;
      return {
        countryId: cheapest.countryId,
        countryName: countryById.get(cheapest.countryId)?.name ?? String(cheapest.countryId),
        countryEmoji: countryById.get(cheapest.countryId)?.emoji ?? null,
        platformId: cheapest.platformId,
        platformName: serviceById.get(cheapest.platformId)?.name ?? String(cheapest.platformId),
        priceIdr: cheapest.price,
        priceUsd: fromIdrUp(cheapest.price, usd.rate, 2),
        available,
        successRate: known ? seen.successRate : null,
        medianTimeToCodeMs: known ? seen.medianTimeToCodeMs : null,
      };
    }),
  };
}
