/**
 * What a request costs out of its rate-limit budget, in points: 1 for a status read, more where the
 * answer is large or the work heavy (a full-catalog page, getPrices over the whole catalog, order lists,
 * creates that call a provider). 0 is not counted. Sized by the bytes and queries behind each answer, so
 * a bot polling 100 activations a second spends 6000 points a minute (the key budget is 12000) while a
 * burst of full-catalog reads spends a minute's budget in about 120 requests.
 */
import type { FastifyRequest } from 'fastify';

type Query = Record<string, unknown>;
type Weight = number | ((query: Query) => number);

/** A catalog page costs a point per 100 items asked for (the route clamps limit to 1-10000, default 1000). */
function productsPage(query: Query): number {
  const asked = Number(query.limit);
  const limit = Number.isFinite(asked) ? Math.min(10_000, Math.max(1, Math.trunc(asked))) : 1000;
  return Math.ceil(limit / 100);
}

/** By route, as mounted; /v1 and /v2 share their entries. Routes not named cost 1. */
const ROUTE_WEIGHTS: Record<string, Weight> = {
  'GET /catalog/products': productsPage,
  'GET /catalog/services': 5,
  'GET /catalog/countries': 2,
  'POST /orders/create': 10,
  'POST /orders/reactivate': 10,
  'GET /orders': 5,
  'GET /orders/active': 5,
  'GET /orders/:id/reactivate-options': 5,
  'POST /orders/cancel': 2,
  'POST /orders/finish': 2,
  'POST /orders/resend': 2,
  'POST /webhook/test': 5,
  'GET /api/webhook-deliveries': 5,
  'POST /api/webhook-deliveries/:id/redeliver': 5,
  // Public and keyless (counted per address): each hashes a password or sends mail.
  'POST /api/signup': 20,
  'POST /api/password-reset': 20,
  'POST /api/password-reset/confirm': 10,
  'POST /api/verify-email': 5,
  'POST /api/verify-email/resend': 20,
  // Scraped by monitoring on its own schedule; not the operator's request budget.
  'GET /admin/api/metrics': 0,
};

export function routeKey(method: string, url: string): string {
  return `${method} ${url.replace(/^\/v[12](?=\/)/, '')}`;
}

export function routeWeight(request: FastifyRequest): number {
  const weight = ROUTE_WEIGHTS[routeKey(request.method, request.routeOptions.url ?? '')];
  if (weight === undefined) return 1;
  return typeof weight === 'number' ? weight : weight((request.query ?? {}) as Query);
}

/** The named routes, so a test can tell a renamed route from a weighted one. */
export const WEIGHTED_ROUTES = Object.keys(ROUTE_WEIGHTS);

type Params = Record<string, string | undefined>;

/** Handler-API actions: the same scale as the routes they mirror. */
const ACTION_WEIGHTS: Record<string, number | ((params: Params) => number)> = {
  getNumber: 10,
  getNumberV2: 10,
  getActiveActivations: 5,
  getHistory: 5,
  // The whole catalog (no country, no service) is the largest answer the service gives (~3 MB).
  getPrices: (p) =>
    p.country === undefined ? (p.service === undefined ? 150 : 5) : p.service === undefined ? 10 : 1,
  getNumbersStatus: 10,
  getTopCountriesByService: 5,
  getServicesList: 5,
  getCountries: 2,
};

export function actionWeight(action: string, params: Params): number {
  const weight = Object.hasOwn(ACTION_WEIGHTS, action) ? ACTION_WEIGHTS[action] : undefined;
  if (weight === undefined) return 1;
  return typeof weight === 'number' ? weight : weight(params);
}
