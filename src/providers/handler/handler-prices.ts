/**
 * getPrices and getOperators bodies → numpool offers and operator codes. Handler countries are
 * SMS-Activate ids (numpool uses the same numbering), services are handler codes. Codes numpool does not
 * know, and entries that cannot be read, are reported in unknownCodes and skipped: one odd entry must not
 * hide the rest of a provider's price list.
 */
import type { CatalogCodes, OfferList, ProviderOffer } from '../port.ts';
import { isRecord, malformed, readCount, readDecimal } from '../transport/wire-values.ts';
import type { HandlerBody } from './handler-errors.ts';

export interface OfferFilter {
  countryId?: number | undefined;
  platformId?: number | undefined;
}

/** PHP encodes an empty associative array as `[]`. */
function asObject(value: unknown): Record<string, unknown> | undefined {
  if (isRecord(value)) return value;
  if (Array.isArray(value) && value.length === 0) return {};
  return undefined;
}

/** `{"<countryId>":{"<svc>":{"cost":0.5,"count":10,"physicalCount":10}}}`; cost/count as numbers or strings. */
export function parseHandlerPrices(
  body: HandlerBody,
  codes: CatalogCodes,
  filter: OfferFilter = {},
): OfferList {
  const byCountry = body.json.ok ? asObject(body.json.value) : undefined;
  if (!byCountry) throw malformed('handler getPrices', 'a JSON price object', body.text);
  const offers: ProviderOffer[] = [];
  const unknown = new Set<string>();
  for (const [countryKey, services] of Object.entries(byCountry)) {
    const countryId = /^\d{1,6}$/.test(countryKey) ? Number(countryKey) : Number.NaN;
    if (!codes.countryIds.has(countryId)) {
      unknown.add(`country:${countryKey}`);
      continue;
    }
    if (filter.countryId !== undefined && countryId !== filter.countryId) continue;
    const entries = asObject(services);
    if (!entries) {
      unknown.add(`malformed:${countryKey}`);
      continue;
    }
    for (const [service, entry] of Object.entries(entries)) {
      const platformId = codes.platformByHandlerCode.get(service);
      if (platformId === undefined) {
        unknown.add(`service:${service}`);
        continue;
      }
      if (filter.platformId !== undefined && platformId !== filter.platformId) continue;
      const cost = isRecord(entry) ? readDecimal(entry.cost) : undefined;
      const available = isRecord(entry) ? readCount(entry.count) : undefined;
      if (cost === undefined || available === undefined) {
        unknown.add(`malformed:${countryKey}/${service}`);
        continue;
      }
      offers.push({ countryId, platformId, operator: null, cost, available });
    }
  }
  return { offers, unknownCodes: [...unknown] };
}

/**
 * `{"status":"success","countryOperators":{"175":["optus","vodafone"]}}` → the codes for one country.
 * "any" is left out: numpool says "any operator" with null, not with a code.
 */
export function parseHandlerOperators(body: HandlerBody, countryId: number): string[] {
  const json = body.json.ok ? body.json.value : undefined;
  const byCountry = isRecord(json) ? asObject(json.countryOperators) : undefined;
  if (!byCountry) throw malformed('handler getOperators', 'countryOperators', body.text);
  const list = byCountry[String(countryId)];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw malformed('handler getOperators', 'a list of operators', body.text);
  const codes = list
    .filter((item): item is string => typeof item === 'string')
    .map((item) => item.trim())
    .filter((item) => item !== '' && item !== 'any');
  return [...new Set(codes)];
}
