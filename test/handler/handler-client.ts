/**
 * Talking to /stubs/handler_api.php the way SMS-Activate clients do, plus the exact-format assertions the
 * handler tests share. Expected money is computed here independently of the server (integer arithmetic,
 * half-up), from the pooled catalog as stored in the database.
 */
import { expect } from 'vitest';
import { getBalance } from '../../src/ledger/get-balance.ts';
import { customer, INDONESIA, type OrderWorld, WHATSAPP } from '../orders/order-fixture.ts';

export const HANDLER = '/stubs/handler_api.php';
export const TEXT = 'text/plain; charset=utf-8';
export const JSON_TYPE = 'application/json; charset=utf-8';
export const FORM = 'application/x-www-form-urlencoded';
/** IDR per USD, the default rate. */
export const RATE = 16_000;

export type Dialect = 'plain' | 'json';
export const DIALECTS: Dialect[] = ['plain', 'json'];

export type Params = Record<string, string | number | undefined>;
type Response = Awaited<ReturnType<OrderWorld['app']['inject']>>;

/** Handler error tokens and their HTTP status in the JSON-error dialect. */
export const JSON_ERROR_STATUS = {
  BAD_KEY: 401,
  NO_KEY: 422,
  NO_BALANCE: 402,
  NO_ACTIVATION: 404,
  EARLY_CANCEL_DENIED: 409,
  BAD_STATUS: 409,
  BAD_ACTION: 400,
  BAD_SERVICE: 400,
  BAD_COUNTRY: 400,
  WRONG_MAX_PRICE: 400,
  NOT_AVAILABLE: 400,
  ACCOUNT_INACTIVE: 403,
  BANNED: 403,
} as const;
export type HandlerErrorToken = keyof typeof JSON_ERROR_STATUS;

/** "YYYY-MM-DD HH:MM:SS" */
export const DATE_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
/** USD with up to 4 decimals, as text. */
export const USD_PRICE = /^\d+(\.\d{1,4})?$/;

export function query(params: Params): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined) search.append(key, String(value));
  const text = search.toString();
  return text ? `${HANDLER}?${text}` : HANDLER;
}

export function form(params: Params): string {
  return query(params).slice(HANDLER.length + 1);
}

/** A GET with every parameter in the query string, nothing else. */
export function handlerGet(world: OrderWorld, params: Params, headers: Record<string, string> = {}) {
  return world.app.inject({ method: 'GET', url: query(params), headers });
}

/** A POST with some parameters in the query string and some in a form body. */
export function handlerPost(
  world: OrderWorld,
  inQuery: Params,
  inBody?: Params | string,
  headers: Record<string, string> = {},
) {
  const payload = inBody === undefined ? undefined : typeof inBody === 'string' ? inBody : form(inBody);
  return world.app.inject({
    method: 'POST',
    url: query(inQuery),
    headers: payload === undefined ? headers : { 'content-type': FORM, ...headers },
    ...(payload === undefined ? {} : { payload }),
  });
}

/** A customer as a handler-API client sees it, plus the /v1 view and the wallet for cross-checks. */
export async function handlerCustomer(world: OrderWorld, balance = 1_000_000, dialect: Dialect = 'plain') {
  const me = await customer(world, balance);
  const extra: Params = dialect === 'json' ? { errors: 'json' } : {};
  return {
    ...me,
    dialect,
    /** GET with api_key in the query (and errors=json in the JSON dialect). */
    h: (params: Params) => handlerGet(world, { api_key: me.apiKey, ...params, ...extra }),
    wallet: () => getBalance({ ctx: world.ctx, input: { accountId: me.account.id } }),
    order: async (id: number | string) => {
      const response = await me.call('GET', `/v1/orders/${id}`);
      expect(response.statusCode).toBe(200);
      return response.json().data;
    },
  };
}
export type HandlerCustomer = Awaited<ReturnType<typeof handlerCustomer>>;

/** Never a 5xx, never an internal error, never HTML: every answer of the endpoint. */
export function expectNoCrash(response: Response): void {
  expect(response.statusCode).toBeLessThan(500);
  expect(String(response.headers['content-type'] ?? '')).not.toMatch(/html/i);
  expect(response.body.trimStart().startsWith('<')).toBe(false);
  // ERROR_SQL (SERVER_ERROR in the JSON dialect) is the protocol's word for an internal failure.
  expect(response.body).not.toMatch(/^ERROR_SQL|"title":"SERVER_ERROR"/);
}

/** A plain-text answer, HTTP 200; with a regex, returns the match. */
export function expectText(response: Response, expected: string | RegExp): RegExpExecArray {
  expectNoCrash(response);
  expect({
    status: response.statusCode,
    type: response.headers['content-type'],
    body: response.body,
  }).toEqual({
    status: 200,
    type: TEXT,
    body: typeof expected === 'string' ? expected : expect.stringMatching(expected),
  });
  return (typeof expected === 'string' ? /^[\s\S]*$/ : expected).exec(response.body)!;
}

/** A JSON answer, HTTP 200: returns the parsed body. */
// biome-ignore lint/suspicious/noExplicitAny: JSON bodies are checked field by field by the callers.
export function expectJson(response: Response): any {
  expectNoCrash(response);
  expect({ status: response.statusCode, type: response.headers['content-type'] }).toEqual({
    status: 200,
    type: JSON_TYPE,
  });
  return JSON.parse(response.body);
}

/** The protocol's error in a dialect: plain token with 200, or {"title","details"} with its status. */
export function expectError(
  response: Response,
  dialect: Dialect,
  token: HandlerErrorToken,
  value?: string,
): void {
  if (dialect === 'plain') {
    expectText(response, value === undefined ? token : `${token}:${value}`);
    return;
  }
  expectJsonError(response, token);
}

export function expectJsonError(response: Response, token: HandlerErrorToken): void {
  expectNoCrash(response);
  expect({ status: response.statusCode, type: response.headers['content-type'] }).toEqual({
    status: JSON_ERROR_STATUS[token],
    type: JSON_TYPE,
  });
  const body = JSON.parse(response.body);
  const title = token === 'NO_KEY' ? 'UNPROCESSABLE_ENTITY' : token;
  expect(body).toMatchObject({ title, details: expect.any(String) });
  // HeroSMS adds "info" to its missing-key answer; every other error is exactly {title, details}.
  const allowed = token === 'NO_KEY' ? ['details', 'info', 'title'] : ['details', 'title'];
  for (const key of Object.keys(body)) expect(allowed).toContain(key);
}

/** Whole IDR → USD text at dp decimals, half-up (independent of the server's money code). */
export function usd(idr: number, dp: 2 | 4, rounding: 'half-up' | 'up' = 'half-up'): string {
  const scale = 10n ** BigInt(dp);
  const scaled = BigInt(idr) * scale;
  const rate = BigInt(RATE);
  let units = scaled / rate;
  const rest = scaled % rate;
  if (rounding === 'up' ? rest > 0n : rest * 2n >= rate) units += 1n;
  const whole = units / scale;
  const fraction = (units % scale).toString().padStart(dp, '0');
  return `${whole}.${fraction}`;
}

/** An offer's price as the handler API shows it: rounded up, so sending it back as maxPrice still buys. */
export const offerUsd = (idr: number) => usd(idr, 4, 'up');

/** The cheapest in-stock offer and the total stock of a country × platform, as the pooled catalog holds them. */
export async function poolOffer(
  world: OrderWorld,
  countryId = INDONESIA,
  platformId = WHATSAPP,
): Promise<{ price: number; count: number }> {
  const result = await world.ctx.db.query<{ price: number | null; count: string | null }>(
    `SELECT min(p.price)::int AS price, sum(p.available)::text AS count
       FROM products p
       JOIN providers v ON v.id = p.provider_id AND v.enabled
       JOIN catalog_products cp ON cp.id = p.catalog_product_id AND cp.active
      WHERE cp.country_id = $1 AND cp.platform_id = $2 AND p.active AND p.available > 0`,
    [countryId, platformId],
  );
  const row = result.rows[0]!;
  return { price: row.price ?? 0, count: Number(row.count ?? 0) };
}

/** The words some clients substring-match as errors: never in a success body. */
export function expectDefused(body: string): void {
  for (const word of ['SQL', 'BANNED', 'BAD_KEY']) expect(body).not.toContain(word);
}

/** Seconds between two "YYYY-MM-DD HH:MM:SS" times. */
export function secondsBetween(from: string, to: string): number {
  const parse = (value: string) => Date.parse(`${value.replace(' ', 'T')}Z`);
  return (parse(to) - parse(from)) / 1000;
}

export function faultAll(world: OrderWorld, fault: 'ok' | 'no_numbers'): void {
  for (const provider of world.supply.providers) world.supply.simulator.setFault(provider.code, fault);
}
