/**
 * The pooled catalog summarised per country × platform: the cheapest in-stock offer and the total stock
 * (what the handler protocol's price and count lists show) — read from the in-memory catalog snapshot.
 */
import type { CatalogContext } from './catalog-context.ts';

export interface OfferSummary {
  countryId: number;
  platformId: number;
  serviceCode: string;
  /** Cheapest selling price, IDR. */
  price: number;
  count: number;
}

export async function cheapestOffers({
  ctx,
  input,
}: {
  ctx: CatalogContext;
  input: { countryId?: number | undefined; serviceCode?: string | undefined };
}): Promise<OfferSummary[]> {
  const snapshot = await ctx.catalogCache.get(ctx);
  const platformId =
    input.serviceCode === undefined ? undefined : snapshot.platformByHandlerCode.get(input.serviceCode);
  if (input.serviceCode !== undefined && platformId === undefined) return [];
  const rows =
    input.countryId !== undefined && platformId !== undefined
      ? (snapshot.byPair.get(`${input.countryId}:${platformId}`) ?? [])
      : input.countryId !== undefined
        ? (snapshot.byCountry.get(input.countryId) ?? [])
        : platformId !== undefined
          ? (snapshot.byPlatform.get(platformId) ?? [])
          : snapshot.products;
  const offers = new Map<string, OfferSummary>();
  for (const row of rows) {
    const key = `${row.countryId}:${row.platformId}`;
    const offer = offers.get(key);
    if (offer) {
      offer.price = Math.min(offer.price, row.price);
      offer.count += row.available;
    } else {
      offers.set(key, {
        countryId: row.countryId,
        platformId: row.platformId,
        serviceCode: snapshot.handlerCodeByPlatform.get(row.platformId) ?? String(row.platformId),
        price: row.price,
        count: row.available,
      });
    }
  }
  return [...offers.values()];
}
