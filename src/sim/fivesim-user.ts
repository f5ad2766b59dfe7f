/**
 * 5SIM user endpoints (bearer token): profile, buy, check, finish, cancel, ban, orders. Errors are short
 * plain-text bodies as 5SIM sends them; "no free phones" comes with HTTP 200 (clients check for it there),
 * "order not found" with 404, the other refusals with 400. Repeating a finish, cancel or ban that already
 * happened returns the order again, so a client retrying after a timeout sees the outcome.
 */
import Big from 'big.js';
import type { Activation } from './activation.ts';
import { fivesimOrder } from './fivesim-order.ts';
import { json, type Reply, text } from './http-io.ts';
import type { Persona } from './persona.ts';
import { hashOf } from './seeded-random.ts';
import { jsonNumber, parseDecimal } from './wire-format.ts';

const NO_FREE_PHONES = text('no free phones', 200);
const ORDER_NOT_FOUND = text('order not found', 404);

export function userProfile(persona: Persona): Reply {
  return json({
    id: hashOf(persona.world.seed, persona.name, 'profile') % 10_000_000,
    email: `${persona.name}@sim.numpool.local`,
    vendor: persona.name,
    default_forwarding_number: '',
    balance: jsonNumber(persona.balance),
    rating: persona.rating,
    default_country: { name: 'russia', iso: 'ru', prefix: '+7' },
    default_operator: { name: '' },
    frozen_balance: 0,
  });
}

/** `/user/buy/activation/{country}/{operator}/{product}?maxPrice=`; operator 'any' takes the cheapest pool. */
export function userBuy(
  persona: Persona,
  countrySlug: string,
  operator: string,
  productSlug: string,
  params: URLSearchParams,
): Reply {
  const world = persona.world;
  const country = world.countryBySlug.get(countrySlug);
  if (!country) return text('bad country', 400);
  const platform = world.platformBySlug.get(productSlug);
  if (!platform) return text('no product', 400);
  const known = world.operatorsByCountry.get(country.id) ?? [];
  if (operator !== 'any' && !known.includes(operator)) return text('bad operator', 400);
  if (persona.fault === 'no_numbers') return NO_FREE_PHONES;

  const offer = persona.slice.offers.get(country.id)?.get(platform.id);
  if (!offer) return NO_FREE_PHONES;
  const maxPrice = parseDecimal(params.get('maxPrice'));
  const candidates = offer.pools
    .filter((p) => operator === 'any' || p.operator === operator)
    .filter((p) => p.stock > 0 && (maxPrice === undefined || maxPrice.gte(p.cost)))
    .sort((a, b) => new Big(a.cost).cmp(b.cost));
  const pool = candidates[0];
  if (!pool) return NO_FREE_PHONES;
  const result = persona.issue(offer, pool);
  if (!result.ok)
    return result.reason === 'no_balance' ? text('not enough user balance', 400) : NO_FREE_PHONES;
  return json(fivesimOrder(persona, result.activation));
}

function withOrder(persona: Persona, id: string, act: (activation: Activation) => Reply): Reply {
  const activation = /^\d{1,12}$/.test(id) ? persona.find(id) : undefined;
  return activation ? act(activation) : ORDER_NOT_FOUND;
}

export function userCheck(persona: Persona, id: string): Reply {
  return withOrder(persona, id, (a) => json(fivesimOrder(persona, a)));
}

export function userFinish(persona: Persona, id: string): Reply {
  return withOrder(persona, id, (a) => {
    if (a.status === 'finished') return json(fivesimOrder(persona, a));
    const result = persona.finish(a);
    if (result === 'no_sms') return text('order no sms', 400);
    if (result === 'closed') return text('order expired', 400);
    return json(fivesimOrder(persona, a));
  });
}

export function userCancel(persona: Persona, id: string): Reply {
  return withOrder(persona, id, (a) => {
    if (a.status === 'canceled') return json(fivesimOrder(persona, a));
    const result = persona.cancel(a);
    if (result === 'has_sms' || a.status === 'finished') return text('order has sms', 400);
    if (result === 'early') return text('order can not be canceled yet', 400);
    if (result === 'closed') return text('order expired', 400);
    return json(fivesimOrder(persona, a));
  });
}

export function userBan(persona: Persona, id: string): Reply {
  return withOrder(persona, id, (a) => {
    if (a.status === 'banned') return json(fivesimOrder(persona, a));
    return persona.ban(a) === 'ok' ? json(fivesimOrder(persona, a)) : text('order expired', 400);
  });
}

/** `{"Data":[<Order>],"ProductNames":[],"Statuses":[],"Total":n}`; hosting orders do not exist here. */
export function userOrders(persona: Persona, params: URLSearchParams): Reply {
  const category = params.get('category') ?? 'activation';
  let orders = category === 'activation' ? persona.all() : [];
  if (params.get('reverse') === 'true') orders = orders.reverse();
  const total = orders.length;
  const offset = Math.max(0, Number.parseInt(params.get('offset') ?? '0', 10) || 0);
  const limitText = params.get('limit');
  const limit = limitText ? Math.max(1, Number.parseInt(limitText, 10) || total) : total;
  const page = orders.slice(offset, offset + limit);
  return json({
    Data: page.map((a) => fivesimOrder(persona, a)),
    ProductNames: [],
    Statuses: [],
    Total: total,
  });
}
