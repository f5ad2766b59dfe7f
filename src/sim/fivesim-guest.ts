/**
 * 5SIM guest endpoints (no token): countries, products per country × operator, and the price list keyed
 * country → product → operator. 'any' stands for the cheapest operator with stock (its count is the sum);
 * an offer with a single anonymous pool lists only 'any'. Names are 5SIM slugs from numpool's catalog.
 */
import { anyOperatorView, type Offer } from './catalog-slice.ts';
import { json, jsonBody, type Reply, text } from './http-io.ts';
import type { Persona } from './persona.ts';
import { jsonNumber } from './wire-format.ts';

/** Rows of one offer as `{"<operator>":{"cost","count","rate"}}`, 'any' first. */
export function operatorRows(
  offer: Offer,
): Array<{ operator: string; cost: string; count: number; rate: number }> {
  const any = anyOperatorView(offer);
  const rows = [{ operator: 'any', cost: any.cost, count: any.stock, rate: any.rate }];
  if (offer.pools.length === 1 && offer.pools[0]!.operator === 'any') return rows;
  for (const pool of offer.pools)
    rows.push({ operator: pool.operator, cost: pool.cost, count: pool.stock, rate: pool.rate });
  return rows;
}

export function guestCountries(persona: Persona): Reply {
  const body = persona.cache.get('guest/countries', 'static', () => {
    const out: Record<string, Record<string, unknown>> = {};
    for (const id of persona.slice.countryIds) {
      const country = persona.world.countryById.get(id)!;
      const entry: Record<string, unknown> = {
        iso: { [country.iso2 ?? '']: 1 },
        prefix: { [`+${country.dial_code}`]: 1 },
        text_en: country.name,
        text_ru: country.name,
      };
      for (const operator of persona.slice.operators.get(id) ?? []) entry[operator] = { activation: 1 };
      out[country.fivesim!] = entry;
    }
    return JSON.stringify(out);
  });
  return jsonBody(body);
}

/** `{"<product>":{"Category":"activation","Qty":196,"Price":10}}` for one country and operator. */
export function guestProducts(persona: Persona, countrySlug: string, operator: string): Reply {
  const world = persona.world;
  const country = world.countryBySlug.get(countrySlug);
  if (!country) return text('bad country', 400);
  const offers = persona.slice.offers.get(country.id);
  // An operator of the country without a pool at this persona is valid, just empty (as buying says).
  if (operator !== 'any' && !(world.operatorsByCountry.get(country.id) ?? []).includes(operator)) {
    return text('bad operator', 400);
  }
  const out: Record<string, { Category: string; Qty: number; Price: number }> = {};
  for (const offer of offers?.values() ?? []) {
    const row = operatorRows(offer).find((r) => r.operator === operator);
    if (!row) continue;
    out[world.platformById.get(offer.platformId)!.code] = {
      Category: 'activation',
      Qty: row.count,
      Price: jsonNumber(row.cost),
    };
  }
  return json(out);
}

/**
 * `{"<country>":{"<product>":{"<operator>":{"cost":8,"count":0,"rate":99.9}}}}`, optionally filtered by
 * country and/or product. With both filters and nothing offered the body is `null`, as 5SIM answers.
 */
export function guestPrices(persona: Persona, params: URLSearchParams): Reply {
  const world = persona.world;
  const countrySlug = params.get('country')?.trim() || undefined;
  const productSlug = params.get('product')?.trim() || undefined;
  const country = countrySlug === undefined ? undefined : world.countryBySlug.get(countrySlug);
  if (countrySlug !== undefined && !country) return text('bad country', 400);
  const platform = productSlug === undefined ? undefined : world.platformBySlug.get(productSlug);
  if (productSlug !== undefined && !platform) return text('no product', 400);

  const key = `guest/prices:${countrySlug ?? ''}:${productSlug ?? ''}`;
  const body = persona.cache.get(key, { countryId: country?.id, platformId: platform?.id }, () => {
    const countryParts: string[] = [];
    const countryIds = country ? [country.id] : persona.slice.countryIds;
    for (const id of countryIds) {
      const offers = persona.slice.offers.get(id);
      if (!offers) continue;
      const list = platform ? [offers.get(platform.id)].filter((o) => o !== undefined) : offers.values();
      const productParts: string[] = [];
      for (const offer of list) {
        const rows = operatorRows(offer).map(
          (r) => `"${r.operator}":{"cost":${r.cost},"count":${r.count},"rate":${r.rate}}`,
        );
        productParts.push(`"${world.platformById.get(offer.platformId)!.code}":{${rows.join(',')}}`);
      }
      if (productParts.length > 0) {
        countryParts.push(`"${world.countryById.get(id)!.fivesim}":{${productParts.join(',')}}`);
      }
    }
    if (countryParts.length === 0 && country && platform) return 'null';
    return `{${countryParts.join(',')}}`;
  });
  return jsonBody(body);
}
