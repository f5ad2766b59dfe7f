/**
 * The 5SIM v1 surface, `/<persona>/v1/...`: guest endpoints without a token, user endpoints with
 * `Authorization: Bearer <token>` (anything else: 401 with an empty body, as 5SIM). All GET.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { guestCountries, guestPrices, guestProducts } from './fivesim-guest.ts';
import {
  userBan,
  userBuy,
  userCancel,
  userCheck,
  userFinish,
  userOrders,
  userProfile,
} from './fivesim-user.ts';
import type { Reply } from './http-io.ts';
import type { Persona } from './persona.ts';

const UNAUTHORIZED: Reply = { status: 401, contentType: 'text/plain; charset=utf-8', body: '' };
const NOT_FOUND: Reply = {
  status: 404,
  contentType: 'text/plain; charset=utf-8',
  body: '404 page not found',
};

/** The counter key for a path below /v1: the route without its parameters ('user/buy', 'guest/prices'). */
export function fivesimAction(segments: readonly string[]): string {
  const [area, name] = segments;
  if ((area === 'guest' || area === 'user') && name) return `${area}/${name}`;
  return '(unknown)';
}

export function handleFivesimRequest(
  persona: Persona,
  method: string,
  segments: readonly string[],
  params: URLSearchParams,
  headers: IncomingHttpHeaders,
): Reply {
  if (method !== 'GET') return NOT_FOUND;
  const [area, name, ...rest] = segments;
  if (area === 'guest') {
    if (name === 'countries' && rest.length === 0) return guestCountries(persona);
    if (name === 'products' && rest.length === 2) return guestProducts(persona, rest[0]!, rest[1]!);
    if (name === 'prices' && rest.length === 0) return guestPrices(persona, params);
    return NOT_FOUND;
  }
  if (area !== 'user') return NOT_FOUND;
  if (headers.authorization?.trim() !== `Bearer ${persona.config.credential}`) return UNAUTHORIZED;
  switch (name) {
    case 'profile':
      return rest.length === 0 ? userProfile(persona) : NOT_FOUND;
    case 'buy':
      return rest.length === 4 && rest[0] === 'activation'
        ? userBuy(persona, rest[1]!, rest[2]!, rest[3]!, params)
        : NOT_FOUND;
    case 'check':
      return rest.length === 1 ? userCheck(persona, rest[0]!) : NOT_FOUND;
    case 'finish':
      return rest.length === 1 ? userFinish(persona, rest[0]!) : NOT_FOUND;
    case 'cancel':
      return rest.length === 1 ? userCancel(persona, rest[0]!) : NOT_FOUND;
    case 'ban':
      return rest.length === 1 ? userBan(persona, rest[0]!) : NOT_FOUND;
    case 'orders':
      return rest.length === 0 ? userOrders(persona, params) : NOT_FOUND;
    default:
      return NOT_FOUND;
  }
}
