/**
 * guest/prices → numpool offers and operator lists. 5SIM nests country → product → operator →
 * {cost,count,rate}, and answers a product-only query product-first; with both filters the body may be
 * null. Each operator is its own offer; only an entry literally named "any" becomes operator null.
 * Unknown slugs and unreadable entries go to unknownCodes and are skipped.
 */
import type { CatalogCodes, OfferList, ProviderOffer } from '../port.ts';
import { isRecord, malformed, readCount, readDecimal } from '../transport/wire-values.ts';

export interface OfferFilter {
  countryId?: number | undefined;
  platformId?: number | undefined;
}

const LABEL = '5sim guest/prices';

function describe(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** country slug → product slug → operator entries, whichever way round the body came. */
function byCountry(
  value: unknown,
  codes: CatalogCodes,
  filter: OfferFilter,
): Record<string, Record<string, unknown>> | undefined {
  if (value === null) return {};
  if (!isRecord(value)) return undefined;
  const productOnly = filter.platformId !== undefined && filter.countryId === undefined;
  const product = productOnly ? codes.slugByPlatform.get(filter.platformId!) : undefined;
  const keys = Object.keys(value);
  const productFirst =
    product !== undefined && keys.length === 1 && keys[0] === product && !codes.countryBySlug.has(product);
  if (!productFirst) return value as Record<string, Record<string, unknown>>;
  const countries = value[product];
  if (!isRecord(countries)) return undefined;
  const result: Record<string, Record<string, unknown>> = {};
  for (const [country, operators] of Object.entries(countries)) result[country] = { [product]: operators };
  return result;
}

export function parseFivesimPrices(value: unknown, codes: CatalogCodes, filter: OfferFilter = {}): OfferList {
  const countries = byCountry(value, codes, filter);
  if (!countries) throw malformed(LABEL, 'a price object', describe(value));
  const offers: ProviderOffer[] = [];
  const unknown = new Set<string>();
  for (const [countrySlug, products] of Object.entries(countries)) {
    const countryId = codes.countryBySlug.get(countrySlug);
    if (countryId === undefined) {
      unknown.add(`country:${countrySlug}`);
      continue;
    }
    if (filter.countryId !== undefined && countryId !== filter.countryId) continue;
    if (!isRecord(products)) {
      unknown.add(`malformed:${countrySlug}`);
      continue;
    }
    for (const [productSlug, operators] of Object.entries(products)) {
      const platformId = codes.platformBySlug.get(productSlug);
      if (platformId === undefined) {
        unknown.add(`product:${productSlug}`);
        continue;
      }
      if (filter.platformId !== undefined && platformId !== filter.platformId) continue;
      if (!isRecord(operators)) {
        unknown.add(`malformed:${countrySlug}/${productSlug}`);
        continue;
      }
      for (const [operator, entry] of Object.entries(operators)) {
        const cost = isRecord(entry) ? readDecimal(entry.cost) : undefined;
        const available = isRecord(entry) ? readCount(entry.count) : undefined;
        if (operator.trim() === '' || cost === undefined || available === undefined) {
          unknown.add(`malformed:${countrySlug}/${productSlug}/${operator}`);
          continue;
        }
        offers.push({
          countryId,
          platformId,
          operator: operator === 'any' ? null : operator,
          cost,
          available,
        });
      }
    }
  }
  return { offers, unknownCodes: [...unknown] };
}

/** Every operator 5SIM prices anything at in one country (from a country-filtered guest/prices). */
export function parseFivesimOperators(value: unknown, countrySlug: string): string[] {
  if (value === null) return [];
  if (!isRecord(value)) throw malformed(LABEL, 'a price object', describe(value));
  const products = value[countrySlug];
  if (products === undefined || products === null) return [];
  if (!isRecord(products)) throw malformed(LABEL, 'products of a country', describe(value));
  const operators = new Set<string>();
  for (const entries of Object.values(products)) {
    if (!isRecord(entries)) continue;
    for (const operator of Object.keys(entries))
      if (operator.trim() !== '' && operator !== 'any') operators.add(operator);
  }
  return [...operators].sort();
}
