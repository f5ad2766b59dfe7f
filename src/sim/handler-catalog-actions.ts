/**
 * Handler catalog actions: getPrices, getNumbersStatus, getCountries, getServicesList, getOperators. Bodies
 * are built by hand (the full getPrices is ~35k entries) and cached per filter in the persona's BodyCache;
 * stock-dependent ones are invalidated per country × platform when a number is bought or returned.
 */
import type { HandlerFailure } from './handler-errors.ts';
import { json, jsonBody, type Reply } from './http-io.ts';
import type { Persona } from './persona.ts';

export interface ActionContext {
  persona: Persona;
  params: URLSearchParams;
}

export type HandlerOutcome = Reply | HandlerFailure;

/** A query parameter, with "" treated as absent. */
export function param(params: URLSearchParams, name: string): string | undefined {
  const value = params.get(name)?.trim();
  return value ? value : undefined;
}

export function getPrices({ persona, params }: ActionContext): HandlerOutcome {
  const world = persona.world;
  const service = param(params, 'service');
  const countryText = param(params, 'country');
  const platform = service === undefined ? undefined : world.platformByHandlerCode.get(service);
  if (service !== undefined && !platform) return json({ status: 'false', msg: 'service is incorrect' });
  const countryId = countryText === undefined ? undefined : Number(countryText);
  if (countryId !== undefined && !(/^\d+$/.test(countryText ?? '') && world.countryById.has(countryId))) {
    return json({ status: 'false', msg: 'country is incorrect' });
  }
  const key = `getPrices:${countryId ?? ''}:${service ?? ''}`;
  const body = persona.cache.get(key, { countryId, platformId: platform?.id }, () => {
    const countryParts: string[] = [];
    const countryIds = countryId === undefined ? persona.slice.countryIds : [countryId];
    for (const id of countryIds) {
      const offers = persona.slice.offers.get(id);
      if (!offers) continue;
      const entries: string[] = [];
      const list = platform ? [offers.get(platform.id)].filter((o) => o !== undefined) : offers.values();
      for (const offer of list) {
        const pool = offer.pools[0]!;
        const code = world.platformById.get(offer.platformId)!.handler_code;
        entries.push(`"${code}":{"cost":${pool.cost},"count":${pool.stock},"physicalCount":${pool.stock}}`);
      }
      if (entries.length > 0) countryParts.push(`"${id}":{${entries.join(',')}}`);
    }
    return `{${countryParts.join(',')}}`;
  });
  return jsonBody(body);
}

/** `{"wa_0":"43",…}` for one country (default 0, as the original); `_0` = no call forwarding. */
export function getNumbersStatus({ persona, params }: ActionContext): HandlerOutcome {
  const countryText = param(params, 'country') ?? '0';
  const countryId = /^\d+$/.test(countryText) ? Number(countryText) : -1;
  const body = persona.cache.get(`getNumbersStatus:${countryId}`, { countryId }, () => {
    const counts: Record<string, string> = {};
    for (const offer of persona.slice.offers.get(countryId)?.values() ?? []) {
      const code = persona.world.platformById.get(offer.platformId)!.handler_code;
      counts[`${code}_0`] = String(offer.pools[0]!.stock);
    }
    return JSON.stringify(counts);
  });
  return jsonBody(body);
}

/** Object keyed by id, as the original (clients accept it; some also accept a list). */
export function getCountries({ persona }: ActionContext): HandlerOutcome {
  const body = persona.cache.get('getCountries', 'static', () => {
    const out: Record<string, object> = {};
    for (const id of persona.slice.countryIds) {
      const country = persona.world.countryById.get(id)!;
      out[String(id)] = {
        id,
        rus: country.name,
        eng: country.name,
        chn: country.name,
        visible: 1,
        retry: 1,
        rent: 0,
        multiService: 1,
      };
    }
    return JSON.stringify(out);
  });
  return jsonBody(body);
}

export function getServicesList({ persona, params }: ActionContext): HandlerOutcome {
  const countryText = param(params, 'country');
  const countryId = countryText !== undefined && /^\d+$/.test(countryText) ? Number(countryText) : undefined;
  const body = persona.cache.get(`getServicesList:${countryId ?? ''}`, 'static', () => {
    const offered = new Set<number>();
    const countryIds = countryId === undefined ? persona.slice.countryIds : [countryId];
    for (const id of countryIds)
      for (const platformId of persona.slice.offers.get(id)?.keys() ?? []) offered.add(platformId);
    const services = [...offered]
      .sort((a, b) => a - b)
      .map((id) => persona.world.platformById.get(id)!)
      .map((p) => ({ code: p.handler_code, name: p.name }));
    return JSON.stringify({ status: 'success', services });
  });
  return jsonBody(body);
}

/**
 * `{"status":"success","countryOperators":{"6":["telkomsel",…]}}`. Not found: the go client's JSON form in
 * the plain dialect, HeroSMS's plain token in the json dialect (the sources disagree; both exist).
 */
export function getOperators({ persona, params }: ActionContext): HandlerOutcome {
  const countryText = param(params, 'country');
  const countryId =
    countryText === undefined ? undefined : /^\d+$/.test(countryText) ? Number(countryText) : -1;
  const ids = countryId === undefined ? persona.slice.countryIds : [countryId];
  const countryOperators: Record<string, readonly string[]> = {};
  for (const id of ids) {
    const operators = persona.slice.operators.get(id);
    if (operators && operators.length > 0) countryOperators[String(id)] = operators;
  }
  if (Object.keys(countryOperators).length === 0) {
    return persona.config.dialect === 'json'
      ? { status: 200, contentType: 'text/plain; charset=utf-8', body: 'OPERATORS_NOT_FOUND' }
      : json({ status: 'error', error: 'OPERATORS_NOT_FOUND' });
  }
  return json({ status: 'success', countryOperators });
}
