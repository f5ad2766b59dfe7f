/**
 * The buy flow's lists, shaped from the catalog's answers: services and countries matching a search, the
 * countries a service is in stock in, and one service-in-a-country's offers (a row per operator and price,
 * with the stock of every tier slot behind it). Only grouping for display: prices and stock are the API's.
 */
import type { Country, Product, Service, V2Money } from './smscode-types.ts';

/** Case- and accent-insensitive containment, as a visitor types a name. */
const folded = (text: string) => text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

export function matchingServices(services: Service[], query: string): Service[] {
  const wanted = folded(query.trim());
  const active = services.filter((s) => s.active);
  const found = wanted
    ? active.filter((s) => folded(s.name).includes(wanted) || folded(s.code).includes(wanted))
    : active;
  // Names that start with the search come first ("tele" → Telegram before Hotelegram).
  return found.sort(
    (a, b) =>
      Number(!folded(a.name).startsWith(wanted)) - Number(!folded(b.name).startsWith(wanted)) ||
      a.name.localeCompare(b.name),
  );
}

export interface CountryChoice {
  country: Country;
  cheapest: V2Money;
  available: number;
}

export function countryChoices(products: Product[], countries: Country[], query: string): CountryChoice[] {
  const byId = new Map(countries.map((c) => [c.id, c]));
  const choices = new Map<number, CountryChoice>();
  for (const product of products) {
    const country = product.country_id == null ? undefined : byId.get(product.country_id);
    if (!country || product.available <= 0) continue;
    const choice = choices.get(country.id);
    if (!choice) choices.set(country.id, { country, cheapest: product.price, available: product.available });
    else {
      choice.available += product.available;
      if (product.price.canonical_amount < choice.cheapest.canonical_amount) choice.cheapest = product.price;
    }
  }
  const wanted = folded(query.trim()).replace(/^\+/, '');
  return [...choices.values()]
    .filter(
      ({ country }) =>
        !wanted ||
        folded(country.name).includes(wanted) ||
        country.code?.toLowerCase() === wanted ||
        country.dial_code === wanted,
    )
    .sort((a, b) => a.country.name.localeCompare(b.country.name));
}

/** `any` stands for tiers sold without an operator choice. */
export type OperatorParam = number | 'any';

export interface OfferRow {
  operator: OperatorParam;
  operatorName: string | null;
  price: V2Money;
  available: number;
  catalogProductId: number;
}

export function offerRows(products: Product[]): OfferRow[] {
  const rows = new Map<string, OfferRow>();
  for (const product of products) {
    if (product.available <= 0 || product.catalog_product_id == null) continue;
    const operator: OperatorParam = product.operator_id ?? 'any';
    const key = `${operator}|${product.price.canonical_amount}`;
    const row = rows.get(key);
    if (row) row.available += product.available;
    else
      rows.set(key, {
        operator,
        operatorName: product.operator_name ?? null,
        price: product.price,
        available: product.available,
        catalogProductId: product.catalog_product_id,
      });
  }
  return [...rows.values()].sort(
    (a, b) => a.price.canonical_amount - b.price.canonical_amount || b.available - a.available,
  );
}

export function parseOperator(value: string | null): OperatorParam | undefined {
  if (value === 'any') return 'any';
  const id = Number(value);
  return value && Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

/** A positive whole number from a query parameter, or undefined. */
export function parseId(value: string | null | undefined): number | undefined {
  if (!value || !/^\d{1,10}$/.test(value)) return undefined;
  const id = Number(value);
  return id > 0 && id <= 2_147_483_647 ? id : undefined;
}
