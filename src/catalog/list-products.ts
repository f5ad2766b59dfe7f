/**
 * Catalog products over the pool: every in-stock tier slot of an enabled provider, filtered, sorted and
 * paged from the in-memory catalog snapshot (see catalog-cache.ts).
 */
import type { CatalogSnapshot, ListedProduct } from './catalog-cache.ts';
import type { CatalogContext } from './catalog-context.ts';

export const PRODUCT_SORTS = [
  'price_asc',
  'price_desc',
  'available_asc',
  'available_desc',
  'name_asc',
  'name_desc',
] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];

export interface ProductQuery {
  countryId?: number | undefined;
  platformId?: number | undefined;
  operatorId?: number | undefined;
  /** Clamped to 1–10000; default 1000. */
  limit?: number | undefined;
  /** 1-based; default 1. */
  page?: number | undefined;
  /** Unknown values fall back to price_asc. */
  sort?: string | undefined;
}

export interface ProductPage {
  items: ListedProduct[];
  page: number;
  limit: number;
}

const COMPARE: Record<ProductSort, (a: ListedProduct, b: ListedProduct) => number> = {
  price_asc: (a, b) => a.price - b.price || a.id - b.id,
  price_desc: (a, b) => b.price - a.price || a.id - b.id,
  available_asc: (a, b) => a.available - b.available || a.id - b.id,
  available_desc: (a, b) => b.available - a.available || a.id - b.id,
  name_asc: (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id),
  name_desc: (a, b) => (a.name > b.name ? -1 : a.name < b.name ? 1 : a.id - b.id),
};

export function normalizeSort(sort: string | undefined): ProductSort {
  return PRODUCT_SORTS.includes(sort as ProductSort) ? (sort as ProductSort) : 'price_asc';
}

/** The smallest pre-grouped list holding exactly the country/platform matches, then the operator filter. */
function matching(snapshot: CatalogSnapshot, query: ProductQuery, sort: ProductSort): ListedProduct[] {
  const { countryId, platformId, operatorId } = query;
  let group: string;
  let base: ListedProduct[];
  if (countryId !== undefined && platformId !== undefined) {
    group = `pair:${countryId}:${platformId}`;
    base = snapshot.byPair.get(`${countryId}:${platformId}`) ?? [];
  } else if (countryId !== undefined) {
    group = `country:${countryId}`;
    base = snapshot.byCountry.get(countryId) ?? [];
  } else if (platformId !== undefined) {
    group = `platform:${platformId}`;
    base = snapshot.byPlatform.get(platformId) ?? [];
  } else {
    group = 'all';
    base = snapshot.products;
  }
  // Each group's ordering is sorted once per snapshot, then shared by every request.
  const key = `${group}:${sort}`;
  let sorted = snapshot.sorted.get(key);
  if (!sorted) {
    sorted = [...base].sort(COMPARE[sort]);
    snapshot.sorted.set(key, sorted);
  }
  return operatorId === undefined ? sorted : sorted.filter((p) => p.operatorId === operatorId);
}

export async function listProducts({
  ctx,
  input,
}: {
  ctx: CatalogContext;
  input: ProductQuery;
}): Promise<ProductPage> {
  const limit = Math.min(10_000, Math.max(1, Math.trunc(input.limit ?? 1000)));
  const page = Math.max(1, Math.trunc(input.page ?? 1));
  const sort = normalizeSort(input.sort);
  const snapshot = await ctx.catalogCache.get(ctx);
  const all = matching(snapshot, input, sort);
  return { items: all.slice((page - 1) * limit, page * limit), page, limit };
}
