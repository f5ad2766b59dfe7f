/**
 * Protecting the service: per-key and per-address rate limits with weights, shared across nodes through
 * Redis, and load shedding — each answered in its surface's own format. Small limits come from config;
 * every test uses its own keys, client addresses and (for Redis) counter prefix.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { WEIGHTED_ROUTES } from '../src/api/plugins/request-weights.ts';
import { createPool } from '../src/platform/db.ts';
import { createLogger } from '../src/platform/logger.ts';
import { createRedis } from '../src/platform/redis.ts';
import { onPool } from '../src/runtime/create-context.ts';
import { createCustomer } from './support/factories.ts';
import { bearer, createTestApp } from './support/test-app.ts';
import { cleanupAfterFile, contextOn, createTestContext } from './support/test-database.ts';
import { waitUntil } from './support/wait.ts';

const REDIS_URL = process.env.NUMPOOL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const HANDLER = '/stubs/handler_api.php';
const KEY_MAX = 20;
const IP_MAX = 5;
const limited = {
  NUMPOOL_RATE_LIMIT: '1',
  NUMPOOL_RATE_LIMIT_KEY_MAX: String(KEY_MAX),
  NUMPOOL_RATE_LIMIT_IP_MAX: String(IP_MAX),
  NUMPOOL_RATE_LIMIT_WINDOW_SECONDS: '60',
};

const ctx = await createTestContext(limited);
const app = await createTestApp(ctx);

let addresses = 0;
/** A client address of its own, so tests never share a per-address budget. */
const newAddress = () => `10.0.${Math.floor(++addresses / 250)}.${addresses % 250}`;

function get(
  on: FastifyInstance,
  url: string,
  options: { key?: string; address?: string } = {},
): Promise<LightMyRequestResponse> {
  return on.inject({
    method: 'GET',
    url,
    headers: options.key ? bearer(options.key) : {},
    remoteAddress: options.address ?? '127.0.0.1',
  });
}

/** Sends the same request n times, one after another, and returns the status codes. */
async function statuses(n: number, send: () => Promise<LightMyRequestResponse>): Promise<number[]> {
  const codes: number[] = [];
  for (let i = 0; i < n; i++) codes.push((await send()).statusCode);
  return codes;
}

const times = (n: number, code: number) => Array.from({ length: n }, () => code);

function expectSmscodeRefusal(response: LightMyRequestResponse, code: string, status: number): number {
  expect(response.statusCode).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(response.headers['x-request-id']).toBeTruthy();
  const body = response.json();
  expect(body).toEqual({
    success: false,
    error: { code, message: expect.any(String), details: { retry_after_seconds: expect.any(Number) } },
  });
  const retryAfter = String(response.headers['retry-after']);
  expect(retryAfter).toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBe(body.error.details.retry_after_seconds);
  return Number(retryAfter);
}

describe('per-key rate limits on /v1 and /v2', () => {
  it.each(['v1', 'v2'])(
    'answers /%s past the budget with 429 RATE_LIMIT_EXCEEDED and Retry-After',
    async (v) => {
      const { apiKey } = await createCustomer(ctx);
      const first = await get(app, `/${v}/balance`, { key: apiKey });
      expect(first.statusCode).toBe(200);
      expect(first.headers['x-ratelimit-limit']).toBe(String(KEY_MAX));
      expect(first.headers['x-ratelimit-remaining']).toBe(String(KEY_MAX - 1));
      expect(await statuses(KEY_MAX - 1, () => get(app, `/${v}/balance`, { key: apiKey }))).toEqual(
        times(KEY_MAX - 1, 200),
      );
      const refused = await get(app, `/${v}/balance`, { key: apiKey });
      const retryAfter = expectSmscodeRefusal(refused, 'RATE_LIMIT_EXCEEDED', 429);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
    },
  );

  it('spends one budget per key, whichever version and surface it goes through', async () => {
    const { apiKey } = await createCustomer(ctx);
    for (let i = 0; i < KEY_MAX; i++) {
      const url = ['/v1/balance', '/v2/balance', '/api/handler-settings'][i % 3]!;
      expect((await get(app, url, { key: apiKey })).statusCode).toBe(200);
    }
    expect((await get(app, '/api/handler-settings', { key: apiKey })).statusCode).toBe(429);
    expect((await get(app, `${HANDLER}?action=getBalance&api_key=${apiKey}`)).statusCode).toBe(429);
  });
});

describe('the handler API', () => {
  it('answers past the budget with HTTP 429, Retry-After and the mapped token, in both dialects', async () => {
    const { apiKey } = await createCustomer(ctx);
    const url = `${HANDLER}?action=getBalance&api_key=${apiKey}`;
    expect(await statuses(KEY_MAX, () => get(app, url))).toEqual(times(KEY_MAX, 200));

    const plain = await get(app, url);
    expect(plain.statusCode).toBe(429);
    expect(plain.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(plain.body).toBe('ERROR_SQL');
    expect(String(plain.headers['retry-after'])).toMatch(/^[1-9]\d*$/);

    const json = await get(app, `${url}&errors=json`);
    expect(json.statusCode).toBe(429);
    expect(json.headers['retry-after']).toBe(plain.headers['retry-after']);
    expect(json.json()).toEqual({ title: 'SERVER_ERROR', details: expect.any(String) });
  });

  it('counts a POST whose key is in the form body against that key', async () => {
    const { apiKey } = await createCustomer(ctx);
    const post = () =>
      app.inject({
        method: 'POST',
        url: `${HANDLER}?action=getBalance`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `api_key=${apiKey}`,
      });
    expect(await statuses(KEY_MAX, post)).toEqual(times(KEY_MAX, 200));
    expect((await post()).statusCode).toBe(429);
  });
});

describe('weights', () => {
  it('drains the budget faster on a heavy route than on a light one', async () => {
    const heavy = await createCustomer(ctx);
    const light = await createCustomer(ctx);
    // A 1000-item catalog page costs 10 of the 20 points; a balance read costs 1.
    const page = () => get(app, '/v1/catalog/products?limit=1000', { key: heavy.apiKey });
    const first = await page();
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-ratelimit-remaining']).toBe(String(KEY_MAX - 10));
    expect(await statuses(2, page)).toEqual([200, 429]);
    expect(await statuses(KEY_MAX, () => get(app, '/v1/balance', { key: light.apiKey }))).toEqual(
      times(KEY_MAX, 200),
    );
  });

  it('weighs a page by the items it asks for, and the whole catalog on the handler API most', async () => {
    const small = await createCustomer(ctx);
    const pages = await statuses(KEY_MAX, () =>
      get(app, '/v2/catalog/products?limit=100', { key: small.apiKey }),
    );
    expect(pages).toEqual(times(KEY_MAX, 200));

    const whole = await createCustomer(ctx);
    const prices = await get(app, `${HANDLER}?action=getPrices&api_key=${whole.apiKey}`);
    expect(prices.statusCode).toBe(429);
    const oneCountry = await createCustomer(ctx);
    const countryPrices = await get(
      app,
      `${HANDLER}?action=getPrices&country=6&api_key=${oneCountry.apiKey}`,
    );
    expect(countryPrices.statusCode).toBe(200);
    expect(countryPrices.headers['x-ratelimit-remaining']).toBe(String(KEY_MAX - 10));
  });

  it('names only routes that exist', () => {
    for (const route of WEIGHTED_ROUTES) {
      const [method, path] = route.split(' ') as [string, string];
      const mounted = path.startsWith('/api/') || path.startsWith('/admin/') ? [path] : [`/v1${path}`];
      expect(
        mounted.some((url) => app.hasRoute({ method, url })),
        route,
      ).toBe(true);
    }
  });
});

describe('keys and addresses', () => {
  it('does not limit another key from the same address when one key floods', async () => {
    const flooder = await createCustomer(ctx);
    const neighbour = await createCustomer(ctx);
    const address = newAddress();
    await statuses(KEY_MAX, () => get(app, '/v1/balance', { key: flooder.apiKey, address }));
    expect((await get(app, '/v1/balance', { key: flooder.apiKey, address })).statusCode).toBe(429);
    expect((await get(app, '/v1/balance', { key: neighbour.apiKey, address })).statusCode).toBe(200);
  });

  it('limits requests without a valid key per address, without locking out a valid key there', async () => {
    const address = newAddress();
    const guesses = await statuses(IP_MAX, () =>
      get(app, '/v1/balance', { key: randomBytes(16).toString('hex'), address }),
    );
    expect(guesses).toEqual(times(IP_MAX, 401));
    expectSmscodeRefusal(await get(app, '/v1/balance', { address }), 'RATE_LIMIT_EXCEEDED', 429);
    const handler = await get(app, `${HANDLER}?action=getBalance&api_key=${'0'.repeat(32)}`, { address });
    expect([handler.statusCode, handler.body]).toEqual([429, 'ERROR_SQL']);

    const { apiKey } = await createCustomer(ctx);
    expect((await get(app, '/v1/balance', { key: apiKey, address })).statusCode).toBe(200);
    expect((await get(app, '/v1/balance', { address: newAddress() })).statusCode).toBe(401);
  });

  it('counts public handler actions per address, by their weight', async () => {
    const address = newAddress();
    // getCountries costs 2 of the address's 5 points.
    const codes = await statuses(3, () => get(app, `${HANDLER}?action=getCountries`, { address }));
    expect(codes).toEqual([200, 200, 429]);
  });

  it('never limits health probes, metrics or provider pushes', async () => {
    const address = newAddress();
    const admin = await createCustomer(ctx, { role: 'admin' });
    expect(await statuses(IP_MAX + 2, () => get(app, '/healthz', { address }))).toEqual(
      times(IP_MAX + 2, 200),
    );
    expect(await statuses(IP_MAX + 2, () => get(app, '/readyz', { address }))).toEqual(
      times(IP_MAX + 2, 200),
    );
    expect(
      await statuses(KEY_MAX + 2, () => get(app, '/admin/api/metrics', { key: admin.apiKey, address })),
    ).toEqual(times(KEY_MAX + 2, 200));
    const push = () =>
      app.inject({
        method: 'POST',
        url: '/hooks/providers/nobody?secret=wrong',
        payload: {},
        remoteAddress: address,
      });
    expect(await statuses(IP_MAX + 2, push)).toEqual(times(IP_MAX + 2, 401));
  });
});

describe('NUMPOOL_RATE_LIMIT=0', () => {
  it('limits nothing', async () => {
    const off = await contextOn(ctx.url, { ...limited, NUMPOOL_RATE_LIMIT: '0' });
    const offApp = await createTestApp(off);
    const { apiKey } = await createCustomer(off);
    const address = newAddress();
    expect(await statuses(KEY_MAX + 5, () => get(offApp, '/v1/balance', { key: apiKey, address }))).toEqual(
      times(KEY_MAX + 5, 200),
    );
    expect(await statuses(IP_MAX + 5, () => get(offApp, '/v1/balance', { address }))).toEqual(
      times(IP_MAX + 5, 401),
    );
    const response = await get(offApp, '/v1/balance', { key: apiKey, address });
    expect(response.headers['x-ratelimit-limit']).toBeUndefined();
  });
});

describe('limits shared across nodes through Redis', () => {
  it('refuses on every node once requests split between two nodes spend one budget', async () => {
    const prefix = `numpool-test:${randomBytes(6).toString('hex')}:rl`;
    const log = createLogger('silent');
    const nodes: FastifyInstance[] = [];
    for (let i = 0; i < 2; i++) {
      const redis = createRedis(REDIS_URL, log);
      await redis.connect();
      cleanupAfterFile(() => redis.quit().then(() => undefined));
      const node = await contextOn(ctx.url, limited, { redis, rateLimitPrefix: prefix });
      nodes.push(await createTestApp(node));
    }
    const [one, two] = nodes as [FastifyInstance, FastifyInstance];
    const { apiKey } = await createCustomer(ctx);
    for (let i = 0; i < KEY_MAX; i++) {
      const response = await get(i % 2 === 0 ? one : two, '/v1/balance', { key: apiKey });
      expect(response.statusCode).toBe(200);
      expect(response.headers['x-ratelimit-remaining']).toBe(String(KEY_MAX - 1 - i));
    }
    expectSmscodeRefusal(await get(one, '/v1/balance', { key: apiKey }), 'RATE_LIMIT_EXCEEDED', 429);
    expectSmscodeRefusal(await get(two, '/v2/balance', { key: apiKey }), 'RATE_LIMIT_EXCEEDED', 429);

    const address = newAddress();
    for (let i = 0; i < IP_MAX; i++)
      expect((await get(i % 2 === 0 ? one : two, '/v1/balance', { address })).statusCode).toBe(401);
    expect((await get(one, '/v1/balance', { address })).statusCode).toBe(429);
    expect((await get(two, '/v1/balance', { address })).statusCode).toBe(429);
  });
});

describe('a large budget shared through Redis', () => {
  it('is taken from the shared counter 1 % at a time, and spent locally in between', async () => {
    const prefix = `numpool-test:${randomBytes(6).toString('hex')}:rl`;
    const redis = createRedis(REDIS_URL, createLogger('silent'));
    await redis.connect();
    cleanupAfterFile(() => redis.quit().then(() => undefined));
    const large = { ...limited, NUMPOOL_RATE_LIMIT_KEY_MAX: '1000' };
    const node = await createTestApp(await contextOn(ctx.url, large, { redis, rateLimitPrefix: prefix }));
    const { apiKey } = await createCustomer(ctx);
    const shared = async () => {
      const keys = await redis.keys(`${prefix}*`);
      const values = keys.length ? await redis.mget(keys) : [];
      return values.reduce((sum, value) => sum + Number(value ?? 0), 0);
    };
    for (let i = 0; i < 10; i++) {
      const response = await get(node, '/v1/balance', { key: apiKey });
      expect(response.statusCode).toBe(200);
      expect(response.headers['x-ratelimit-remaining']).toBe(String(1000 - 1 - i));
      expect(await shared()).toBe(10);
    }
    const eleventh = await get(node, '/v1/balance', { key: apiKey });
    expect(eleventh.headers['x-ratelimit-remaining']).toBe('989');
    expect(await shared()).toBe(20);
  });
});

describe('a budget found spent', () => {
  it('is refused by that node until its window ends without spending more in the shared store', async () => {
    const prefix = `numpool-test:${randomBytes(6).toString('hex')}:rl`;
    const redis = createRedis(REDIS_URL, createLogger('silent'));
    await redis.connect();
    cleanupAfterFile(() => redis.quit().then(() => undefined));
    const node = await createTestApp(await contextOn(ctx.url, limited, { redis, rateLimitPrefix: prefix }));
    const { apiKey } = await createCustomer(ctx);
    expect(await statuses(KEY_MAX, () => get(node, '/v1/balance', { key: apiKey }))).toEqual(
      times(KEY_MAX, 200),
    );
    const stored = async () => {
      const keys = await redis.keys(`${prefix}*`);
      const values = keys.length ? await redis.mget(keys) : [];
      return values.reduce((sum, value) => sum + Number(value ?? 0), 0);
    };
    expectSmscodeRefusal(await get(node, '/v1/balance', { key: apiKey }), 'RATE_LIMIT_EXCEEDED', 429);
    const spent = await stored();
    expect(spent).toBe(KEY_MAX + 1);
    for (let i = 0; i < 5; i++) {
      expectSmscodeRefusal(await get(node, '/v2/balance', { key: apiKey }), 'RATE_LIMIT_EXCEEDED', 429);
    }
    expect(await stored()).toBe(spent);
  });
});

describe('load shedding', () => {
  it('answers 503 SERVICE_UNAVAILABLE with Retry-After in both formats while the pool queue is long', async () => {
    // One connection, and a queue past the threshold of 1 behind it: the request pool is saturated.
    const pool = createPool(ctx.url, { max: 1 });
    cleanupAfterFile(() => pool.end());
    const base = await contextOn(ctx.url, { NUMPOOL_SHED_POOL_WAITING: '1' });
    const shedding = await createTestApp(onPool(base, pool));
    // Probes that need no connection: a missing key is answered without the database.
    const balance = () => get(shedding, '/v1/balance');
    const handler = () => get(shedding, `${HANDLER}?action=getBalance`);
    expect((await balance()).statusCode).toBe(401);

    const held = await pool.connect();
    const queued = [pool.connect(), pool.connect()];
    expect(pool.waitingCount).toBe(2);
    const refused = await waitUntil(async () => {
      const response = await balance();
      return response.statusCode === 503 ? response : undefined;
    });
    expect(expectSmscodeRefusal(refused, 'SERVICE_UNAVAILABLE', 503)).toBe(5);
    expect(refused.json().error.code).toBe('SERVICE_UNAVAILABLE');

    const plain = await handler();
    expect([plain.statusCode, plain.body, plain.headers['retry-after']]).toEqual([503, 'ERROR_SQL', '5']);
    const json = await get(shedding, `${HANDLER}?action=getBalance&errors=json`);
    expect(json.statusCode).toBe(503);
    expect(json.json().title).toBe('SERVER_ERROR');
    expect((await get(shedding, '/healthz')).statusCode).toBe(200);

    held.release();
    await Promise.all(queued.map((next) => next.then((client) => client.release())));
    await waitUntil(async () => ((await balance()).statusCode === 401 ? true : undefined));
    expect((await handler()).body).toBe('NO_KEY');
  });
});
