/**
 * The security suite of one SMSCode surface (/v1 or /v2), shared by both surfaces' test files.
 *
 * ROUTES holds one entry per operation of the surface (the suite fails if /openapi.json lists one it
 * lacks). Each entry prepares its owner's objects (orders in the state the route acts on) and names a
 * happy request, error requests and, when it names an order, that order. Every route then gets the same
 * cases: no, malformed or unknown key → 401; revoked key → 401 at once; key without the route's scope →
 * 403; allowlisted key from outside → 403; another account → 404 for the owner's order (or never sees
 * it in a listing); and every refused request leaves the owner's money, orders and webhook as they were.
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { ApiKeyCache } from '../../src/accounts/api-key-cache.ts';
import type { ApiScope } from '../../src/accounts/api-scopes.ts';
import { suspendAccount } from '../../src/accounts/suspend-account.ts';
import { SYSTEM_ACTOR } from '../../src/audit/audit-actor.ts';
import { getWebhookConfig } from '../../src/delivery/webhooks/webhook-config.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { findCandidates } from '../../src/providers/find-candidates.ts';
import {
  customer,
  deliverSms,
  INDONESIA,
  type OrderWorld,
  orderWorld,
  WHATSAPP,
} from '../orders/order-fixture.ts';
import { type KeyChangesHeard, keyChangesHeardOn, redisBus } from '../support/redis-nodes.ts';
import { type Browser, signIn } from '../support/sign-in.ts';
import { createTestApp } from '../support/test-app.ts';
import { contextOn } from '../support/test-database.ts';
import { waitUntil } from '../support/wait.ts';
import { type Receiver, startReceiver } from '../support/webhook-receiver.ts';

export type Version = 'v1' | 'v2';
type Method = 'GET' | 'HEAD' | 'POST' | 'PATCH' | 'DELETE';

export interface Req {
  method: Method;
  url: string;
  body?: unknown;
}

export interface Prepared {
  happy: Req;
  /** The owner's answer: 2xx with the shape's essentials (reactivation: the contract's refusal). */
  expectHappy(response: LightMyRequestResponse): void;
  /** Bad input from the owner (or from `key`), and the contract's answer to it. */
  errors: Array<{ req: Req; status: number; code: string; key?: string }>;
  /** The owner's order the route names: another account gets 404 for each of these requests. */
  names?: { orderId: number; requests: Req[] };
  /** A listing: another account's answer never shows this order of the owner. */
  hides?: number;
}

export interface RouteEntry {
  /** The operation as /openapi.json names it, e.g. `GET /v1/orders/{id}`. */
  operation: string;
  scope: ApiScope;
  /** The route answers with an event stream: its accepted requests are opened over HTTP, not injected. */
  stream?: boolean;
  prepare(kit: SecurityKit, owner: Owner): Promise<Prepared>;
}

/** Outside every allowlist made here; the allowlist is INSIDE/24. */
export const OUTSIDE = '198.51.100.7';
export const INSIDE = '203.0.113.5';
const ADDRESS_REFUSED = 'this API key may not be used from this address';

export type Owner = Awaited<ReturnType<typeof makeOwner>>;
export type SecurityKit = Awaited<ReturnType<typeof securityKit>>;

const orderCount = (world: OrderWorld, accountId: number) =>
  world.ctx.db
    .query<{ n: number }>('SELECT count(*)::int AS n FROM orders WHERE account_id = $1', [accountId])
    .then((r) => r.rows[0]!.n);

async function makeOwner(world: OrderWorld, keys: string[]) {
  const me = await customer(world);
  keys.push(me.apiKey);
  const browser: Browser = await signIn(world.ctx, world.app, me.account.id);
  /** A key of this account made the way a customer makes one: POST /api/keys from a signed-in session. */
  const newKey = async (settings: {
    scopes?: ApiScope[];
    ip_allowlist?: string[];
    daily_spend_limit?: number;
  }) => {
    const created = await world.app.inject({
      method: 'POST',
      url: '/api/keys',
      headers: browser.headers,
      payload: { name: `key ${keys.length}`, ...settings },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { key, id } = created.json().data as { key: string; id: number };
    keys.push(key);
    return { key, id };
  };
  const revoke = async (id: number) => {
    const revoked = await world.app.inject({
      method: 'DELETE',
      url: `/api/keys/${id}`,
      headers: browser.headers,
    });
    expect(revoked.statusCode).toBe(200);
  };
  const without = new Map<ApiScope, string>();
  return {
    ...me,
    browser,
    newKey,
    revoke,
    /** A key of this account holding every scope but this one. */
    keyWithout: async (scope: ApiScope) => {
      if (!without.has(scope)) {
        const scopes = (['read', 'orders', 'webhook', 'billing'] as const).filter((s) => s !== scope);
        without.set(scope, (await newKey({ scopes })).key);
      }
      return without.get(scope)!;
    },
    /** Every scope, from 203.0.113.0/24 only. */
    allowlisted: (await newKey({ ip_allowlist: ['203.0.113.0/24'] })).key,
  };
}

/**
 * The world of one surface's suite: the order sandbox on node A (a Redis bus, logs captured at debug
 * level), node B over the same database and Redis, a webhook receiver, and a stranger account.
 */
export async function securityKit(version: Version) {
  const lines: string[] = [];
  const log = createLogger('debug', 'numpool', { write: (line: string) => lines.push(line) });
  const busA = redisBus();
  const busB = redisBus();
  const world = await orderWorld({ NUMPOOL_WEBHOOK_ALLOW_PRIVATE: '1' }, undefined, { bus: busA, log });
  const nodeB = await contextOn(world.ctx.url, { NUMPOOL_SECRET: world.ctx.secret }, { bus: busB });
  const appB: FastifyInstance = await createTestApp(nodeB);
  const onB: KeyChangesHeard = await keyChangesHeardOn(busB, busA);
  const receiver: Receiver = await startReceiver();
  /** Every key made in the suite, so the logs can be searched for each. */
  const keys: string[] = [];
  const stranger = await makeOwner(world, keys);
  const candidates = await findCandidates({
    ctx: world.ctx,
    input: { catalogProductId: world.catalogProductId },
  });
  const price = Math.min(...candidates.map((c) => c.price));

  const send = (
    req: Req,
    key: string | null,
    options: {
      app?: FastifyInstance;
      headers?: Record<string, string | string[]>;
      remoteAddress?: string;
    } = {},
  ) => {
    const headers: Record<string, string | string[]> = {
      accept: 'application/json',
      ...(key === null ? {} : { authorization: `Bearer ${key}` }),
      ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    };
    const inject: InjectOptions = {
      method: req.method,
      url: req.url,
      headers,
      ...(req.body === undefined ? {} : { payload: JSON.stringify(req.body) }),
      ...(options.remoteAddress ? { remoteAddress: options.remoteAddress } : {}),
    };
    return (options.app ?? world.app).inject(inject);
  };

  const at = (path: string) => `/${version}${path}`;
  /** An ACTIVE order of this account, through the surface's own create. */
  const openOrder = async (owner: Owner): Promise<number> => {
    const created = await send(
      { method: 'POST', url: at('/orders/create'), body: { catalog_product_id: world.catalogProductId } },
      owner.apiKey,
    );
    expect(created.statusCode, created.body).toBe(200);
    return created.json().data.orders[0].id;
  };
  const orderWithSms = async (owner: Owner): Promise<number> => {
    const id = await openOrder(owner);
    await deliverSms(world, id, { text: 'Your code is 424242', code: '424242' });
    return id;
  };
  const completedOrder = async (owner: Owner): Promise<number> => {
    const id = await orderWithSms(owner);
    const finished = await send({ method: 'POST', url: at('/orders/finish'), body: { id } }, owner.apiKey);
    expect(finished.json().data.status).toBe('COMPLETED');
    return id;
  };

  /** What a refused request must not have changed: the owner's money, orders, the order, its webhook. */
  const footprint = async (owner: Owner, orderId?: number) => {
    const order =
      orderId === undefined
        ? undefined
        : (
            await world.ctx.db.query(
              `SELECT o.status, o.sms_revision, o.otp_code, o.amount, o.resend_available_at,
                 (SELECT count(*)::int FROM order_events e WHERE e.order_id = o.id) AS events,
                 (SELECT r.kind FROM transfers r WHERE r.pending_id = o.hold_transfer_id) AS hold
               FROM orders o WHERE o.id = $1`,
              [orderId],
            )
          ).rows[0];
    return {
      balance: await owner.balance(),
      orders: await orderCount(world, owner.account.id),
      order,
      webhook: await getWebhookConfig({ ctx: world.ctx, input: { accountId: owner.account.id } }),
      received: receiver.received.length,
    };
  };

  /**
   * Uses the key on a node until that node holds it cached. Other test files on the same Redis announce
   * changes of keys with the same ids (in their own databases), which may evict it now and then.
   */
  const usedAndCached = (app: FastifyInstance, cache: ApiKeyCache, key: string) =>
    waitUntil(async () => {
      const answer = await send({ method: 'GET', url: at('/balance') }, key, { app });
      expect(answer.statusCode).toBe(200);
      return cache.has(key) ? true : undefined;
    });

  return {
    version,
    world,
    usedAndCached,
    /** What each route prepared, by operation, once its cases ran. */
    prepared: new Map<string, Prepared>(),
    nodeB,
    appB,
    onB,
    receiver,
    keys,
    lines,
    stranger,
    price,
    send,
    at,
    owner: () => makeOwner(world, keys),
    openOrder,
    orderWithSms,
    completedOrder,
    footprint,
  };
}

// ---------------------------------------------------------------------------------------------------------
// The table

const isIdr = (value: unknown) => expect(Number.isSafeInteger(value)).toBe(true);
const isUsd = (value: unknown) =>
  expect(value).toEqual({
    amount: expect.stringMatching(/^\d+\.\d+$/),
    currency: 'USD',
    canonical_amount: expect.any(Number),
    canonical_currency: 'IDR',
  });
const money = (version: Version, value: unknown) => (version === 'v1' ? isIdr(value) : isUsd(value));
/** /v2 money answers carry one FX receipt; /v1 answers none. */
const fxMeta = (version: Version, body: { meta?: unknown }) => {
  if (version === 'v1') expect(body.meta).toBeUndefined();
  else expect(body.meta).toMatchObject({ fx: { pair: 'USD/IDR', rate: expect.any(Number) } });
};
const ok = (response: LightMyRequestResponse) => {
  expect(response.statusCode, response.body).toBe(200);
  const body = response.json();
  expect(body.success).toBe(true);
  return body;
};
const refusedAsConflict = (response: LightMyRequestResponse) => {
  // No provider re-rents a number yet: reactivation is the contract's 409 once the order is found theirs.
  expect(response.statusCode, response.body).toBe(409);
  expect(response.json().error.code).toBe('CONFLICT');
};
const wrongMethod = (url: string, method: Method = 'POST') => ({
  req: { method, url },
  status: 404,
  code: 'NOT_FOUND',
});
const NO_SUCH_ORDER = 2_147_480_000;

export function routeTable(version: Version): RouteEntry[] {
  const at = (path: string) => `/${version}${path}`;
  const route = (
    method: Method,
    path: string,
    scope: ApiScope,
    prepare: RouteEntry['prepare'],
    extra: Partial<RouteEntry> = {},
  ): RouteEntry => ({ operation: `${method} ${at(path)}`, scope, prepare, ...extra });

  const table: RouteEntry[] = [
    route('GET', '/catalog/countries', 'read', async () => ({
      happy: { method: 'GET', url: at('/catalog/countries') },
      expectHappy: (response) => {
        const indonesia = ok(response).data.find((c: { id: number }) => c.id === INDONESIA);
        expect(indonesia).toMatchObject({
          name: expect.any(String),
          code: 'id',
          dial_code: expect.any(String),
        });
      },
      errors: [wrongMethod(at('/catalog/countries'))],
    })),
    route('GET', '/catalog/services', 'read', async () => ({
      happy: { method: 'GET', url: at(`/catalog/services?country_id=${INDONESIA}`) },
      expectHappy: (response) =>
        expect(ok(response).data).toContainEqual(
          expect.objectContaining({ id: WHATSAPP, code: expect.any(String), active: true }),
        ),
      errors: [
        {
          req: { method: 'GET', url: at('/catalog/services?country_id=abc') },
          status: 422,
          code: 'VALIDATION_ERROR',
        },
      ],
    })),
    route('GET', '/catalog/operators', 'read', async () => ({
      happy: { method: 'GET', url: at(`/catalog/operators?country_id=${INDONESIA}&platform_id=${WHATSAPP}`) },
      expectHappy: (response) => {
        const operators = ok(response).data;
        expect(operators.length).toBeGreaterThan(0);
        for (const o of operators) expect(o).toMatchObject({ code: expect.any(String) });
      },
      errors: [
        {
          req: { method: 'GET', url: at(`/catalog/operators?country_id=${INDONESIA}`) },
          status: 422,
          code: 'VALIDATION_ERROR',
        },
      ],
    })),
    route('GET', '/catalog/products', 'read', async (kit) => ({
      happy: { method: 'GET', url: at(`/catalog/products?country_id=${INDONESIA}&platform_id=${WHATSAPP}`) },
      expectHappy: (response) => {
        const body = ok(response);
        expect(body.data.length).toBeGreaterThan(0);
        for (const p of body.data) {
          expect(p).toMatchObject({
            catalog_product_id: kit.world.catalogProductId,
            available: expect.any(Number),
          });
          if (version === 'v1') isIdr(p.price);
          else isUsd(p.price);
        }
        expect(body.meta).toMatchObject({ page: 1, count: body.data.length });
        if (version === 'v2') expect(body.meta.fx).toMatchObject({ pair: 'USD/IDR' });
      },
      errors: [
        {
          req: { method: 'GET', url: at('/catalog/products?country_id=-1') },
          status: 422,
          code: 'VALIDATION_ERROR',
        },
      ],
    })),
    route('GET', '/catalog/exchange-rate', 'read', async () => ({
      happy: { method: 'GET', url: at('/catalog/exchange-rate') },
      expectHappy: (response) =>
        expect(ok(response).data).toMatchObject(
          version === 'v1'
            ? { pair: 'USD/IDR', base_currency: 'USD', quote_currency: 'IDR', rate: expect.any(Number) }
            : { pair: 'USD/IDR', rate: expect.any(Number) },
        ),
      errors:
        version === 'v1'
          ? [
              {
                req: { method: 'GET', url: at('/catalog/exchange-rate?pair=EUR/XXX') },
                status: 404,
                code: 'NOT_FOUND',
              },
            ]
          : [wrongMethod(at('/catalog/exchange-rate'))],
    })),
    route('GET', '/balance', 'read', async () => ({
      happy: { method: 'GET', url: at('/balance') },
      expectHappy: (response) => {
        const body = ok(response);
        if (version === 'v1') expect(body.data).toEqual({ currency: 'IDR', balance: 1_000_000 });
        else isUsd(body.data.balance);
        fxMeta(version, body);
      },
      errors: [wrongMethod(at('/balance'))],
    })),
    route('GET', '/orders', 'read', async (kit, owner) => {
      const id = await kit.openOrder(owner);
      return {
        happy: { method: 'GET', url: at('/orders') },
        expectHappy: (response) => {
          const body = ok(response);
          const mine = body.data.find((o: { id: number }) => o.id === id);
          expect(mine).toMatchObject({
            id,
            status: 'ACTIVE',
            phone_number: expect.stringMatching(/^\+?\d+$/),
          });
          money(version, mine.amount);
          fxMeta(version, body);
        },
        errors: [
          { req: { method: 'GET', url: at('/orders?status=BOGUS') }, status: 422, code: 'VALIDATION_ERROR' },
        ],
        hides: id,
      };
    }),
    route('GET', '/orders/active', 'read', async (kit, owner) => {
      const id = await kit.openOrder(owner);
      return {
        happy: { method: 'GET', url: at('/orders/active') },
        expectHappy: (response) =>
          expect(ok(response).data).toContainEqual(expect.objectContaining({ id, status: 'ACTIVE' })),
        errors: [wrongMethod(at('/orders/active'))],
        hides: id,
      };
    }),
    route('GET', '/orders/{id}', 'read', async (kit, owner) => {
      const id = await kit.openOrder(owner);
      const happy: Req = { method: 'GET', url: at(`/orders/${id}`) };
      return {
        happy,
        expectHappy: (response) => {
          const body = ok(response);
          expect(body.data).toMatchObject({
            id,
            status: 'ACTIVE',
            phone_number: expect.stringMatching(/^\+?\d+$/),
          });
          money(version, body.data.amount);
          fxMeta(version, body);
        },
        errors: [
          { req: { method: 'GET', url: at(`/orders/${NO_SUCH_ORDER}`) }, status: 404, code: 'NOT_FOUND' },
          { req: { method: 'GET', url: at('/orders/abc') }, status: 422, code: 'VALIDATION_ERROR' },
          { req: { method: 'GET', url: at(`/orders/${id}?wait=61`) }, status: 422, code: 'VALIDATION_ERROR' },
        ],
        // A long-poll on someone else's order is refused at once, like a plain read.
        names: { orderId: id, requests: [happy, { method: 'GET', url: at(`/orders/${id}?wait=5`) }] },
      };
    }),
    route('GET', '/orders/{id}/reactivate-options', 'read', async (kit, owner) => {
      const id = await kit.completedOrder(owner);
      const happy: Req = { method: 'GET', url: at(`/orders/${id}/reactivate-options`) };
      return {
        happy,
        expectHappy: refusedAsConflict,
        errors: [
          {
            req: { method: 'GET', url: at(`/orders/${NO_SUCH_ORDER}/reactivate-options`) },
            status: 404,
            code: 'NOT_FOUND',
          },
        ],
        names: { orderId: id, requests: [happy] },
      };
    }),
    route('POST', '/orders/create', 'orders', async (kit) => ({
      happy: {
        method: 'POST',
        url: at('/orders/create'),
        body: { catalog_product_id: kit.world.catalogProductId },
      },
      expectHappy: (response) => {
        const body = ok(response);
        expect(body.data.failed_count).toBe(0);
        expect(body.data.orders).toHaveLength(1);
        expect(body.data.orders[0]).toMatchObject({
          id: expect.any(Number),
          phone_number: expect.stringMatching(/^\+?\d+$/),
        });
        money(version, body.data.orders[0].amount);
        fxMeta(version, body);
      },
      errors: [
        {
          req: {
            method: 'POST',
            url: at('/orders/create'),
            body: { catalog_product_id: 1, quantity: 'many' },
          },
          status: 422,
          code: 'VALIDATION_ERROR',
        },
        {
          req: { method: 'POST', url: at('/orders/create'), body: { catalog_product_id: NO_SUCH_ORDER } },
          status: 422,
          code: 'NO_OFFER_AVAILABLE',
        },
      ],
    })),
    route('POST', '/orders/cancel', 'orders', async (kit, owner) => {
      const id = await kit.openOrder(owner);
      kit.world.clock.advance(121_000); // past the window in which an order may not be canceled
      const early = await kit.openOrder(owner);
      const happy: Req = { method: 'POST', url: at('/orders/cancel'), body: { id } };
      return {
        happy,
        expectHappy: (response) => {
          const body = ok(response);
          expect(body.data).toMatchObject({ order_id: id, status: 'CANCELED' });
          money(version, body.data.refund_amount);
          fxMeta(version, body);
        },
        errors: [
          {
            req: { method: 'POST', url: at('/orders/cancel'), body: { id: early } },
            status: 409,
            code: 'CANCEL_TOO_EARLY',
          },
          {
            req: { method: 'POST', url: at('/orders/cancel'), body: { id: 'x' } },
            status: 422,
            code: 'VALIDATION_ERROR',
          },
        ],
        names: { orderId: id, requests: [happy] },
      };
    }),
    route('POST', '/orders/finish', 'orders', async (kit, owner) => {
      const id = await kit.orderWithSms(owner);
      const silent = await kit.openOrder(owner);
      const happy: Req = { method: 'POST', url: at('/orders/finish'), body: { id } };
      return {
        happy,
        expectHappy: (response) => expect(ok(response).data).toEqual({ order_id: id, status: 'COMPLETED' }),
        errors: [
          {
            req: { method: 'POST', url: at('/orders/finish'), body: { id: silent } },
            status: 409,
            code: 'CONFLICT',
          },
          {
            req: { method: 'POST', url: at('/orders/finish'), body: {} },
            status: 422,
            code: 'VALIDATION_ERROR',
          },
        ],
        names: { orderId: id, requests: [happy] },
      };
    }),
    route('POST', '/orders/resend', 'orders', async (kit, owner) => {
      const id = await kit.orderWithSms(owner);
      const silent = await kit.openOrder(owner);
      kit.world.clock.advance(31_000); // past the resend cooldown
      const happy: Req = { method: 'POST', url: at('/orders/resend'), body: { id } };
      return {
        happy,
        expectHappy: (response) =>
          expect(ok(response).data).toEqual({ order_id: id, status: 'ACTIVE', resent: true }),
        errors: [
          {
            req: { method: 'POST', url: at('/orders/resend'), body: { id: silent } },
            status: 409,
            code: 'CONFLICT',
          },
          {
            req: { method: 'POST', url: at('/orders/resend'), body: { id, extra: 1 } },
            status: 422,
            code: 'VALIDATION_ERROR',
          },
        ],
        names: { orderId: id, requests: [happy] },
      };
    }),
    route('POST', '/orders/reactivate', 'orders', async (kit, owner) => {
      const id = await kit.completedOrder(owner);
      const happy: Req = { method: 'POST', url: at('/orders/reactivate'), body: { id } };
      return {
        happy,
        expectHappy: refusedAsConflict,
        errors: [
          {
            req: { method: 'POST', url: at('/orders/reactivate'), body: { id: NO_SUCH_ORDER } },
            status: 404,
            code: 'NOT_FOUND',
          },
          {
            req: { method: 'POST', url: at('/orders/reactivate'), body: { id: -1 } },
            status: 422,
            code: 'VALIDATION_ERROR',
          },
        ],
        names: { orderId: id, requests: [happy] },
      };
    }),
    route('GET', '/webhook', 'webhook', async () => ({
      happy: { method: 'GET', url: at('/webhook') },
      expectHappy: (response) =>
        expect(ok(response).data).toEqual({
          webhook_url: null,
          webhook_secret: null,
          webhook_disabled_at: null,
          webhook_disabled_reason: null,
          webhook_consecutive_failures: 0,
        }),
      errors: [wrongMethod(at('/webhook'), 'DELETE')],
    })),
    route('PATCH', '/webhook', 'webhook', async (kit) => ({
      happy: { method: 'PATCH', url: at('/webhook'), body: { webhook_url: kit.receiver.url } },
      expectHappy: (response) =>
        expect(ok(response).data).toMatchObject({
          webhook_url: kit.receiver.url,
          webhook_secret: expect.stringMatching(/^[0-9a-f]{64}$/),
        }),
      errors: [
        { req: { method: 'PATCH', url: at('/webhook'), body: {} }, status: 422, code: 'VALIDATION_ERROR' },
        {
          req: { method: 'PATCH', url: at('/webhook'), body: { webhook_url: 'ftp://x.example/hook' } },
          status: 422,
          code: 'VALIDATION_ERROR',
        },
      ],
    })),
    route('POST', '/webhook/test', 'webhook', async (kit, owner) => {
      const set = await kit.send(
        { method: 'PATCH', url: at('/webhook'), body: { webhook_url: kit.receiver.url } },
        owner.apiKey,
      );
      expect(set.statusCode).toBe(200);
      // Without a URL there is nothing to test: another account, which set none.
      const unset = await kit.owner();
      return {
        happy: { method: 'POST', url: at('/webhook/test') },
        expectHappy: (response) => expect(ok(response).data).toEqual({ status_code: 200 }),
        errors: [
          {
            req: { method: 'POST', url: at('/webhook/test') },
            status: 422,
            code: 'VALIDATION_ERROR',
            key: unset.apiKey,
          },
        ],
      };
    }),
  ];
  if (version === 'v2')
    table.push(
      route(
        'GET',
        '/stream',
        'read',
        async () => ({
          happy: { method: 'GET', url: at('/stream') },
          // Opened over HTTP in the /v2 file: an accepted stream never ends by itself.
          expectHappy: () => undefined,
          errors: [
            { req: { method: 'GET', url: at('/stream?events=some') }, status: 422, code: 'VALIDATION_ERROR' },
          ],
        }),
        { stream: true },
      ),
    );
  return table;
}

// ---------------------------------------------------------------------------------------------------------
// The cases

/** The contract's error envelope, and nothing else. */
export function expectRefusal(
  response: LightMyRequestResponse,
  status: number,
  code: string,
  message?: string,
) {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const body = response.json();
  expect(Object.keys(body)).toEqual(['success', 'error']);
  expect(body.success).toBe(false);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  if (message !== undefined) expect(body.error.message).toBe(message);
}

/** Authorization values that carry no valid key. */
export function badCredentials(realKey: string): Array<[string, Record<string, string | string[]>]> {
  return [
    ['no Authorization', {}],
    ['an empty Bearer', { authorization: 'Bearer ' }],
    ['Basic credentials', { authorization: `Basic ${Buffer.from(`user:${realKey}`).toString('base64')}` }],
    ['another scheme', { authorization: `Token ${realKey}` }],
    ['the bare key', { authorization: realKey }],
    ['a key too long', { authorization: `Bearer ${realKey}0` }],
    ['a key too short', { authorization: `Bearer ${realKey.slice(1)}` }],
    ['not hex', { authorization: `Bearer ${'z'.repeat(32)}` }],
    ['two keys', { authorization: `Bearer ${realKey} ${realKey}` }],
    ['an unknown key', { authorization: `Bearer ${'0123456789abcdef'.repeat(2)}` }],
    ['the key in the query only', {}],
  ];
}

/** Hostile Authorization headers: none may get anything but a 401. */
export function hostileCredentials(realKey: string): Array<[string, Record<string, string | string[]>]> {
  return [
    ['a huge header', { authorization: `Bearer ${'a'.repeat(64 * 1024)}` }],
    ['a huge key-shaped run', { authorization: `Bearer ${realKey.repeat(2048)}` }],
    ['NUL before the key', { authorization: `Bearer \u0000${realKey}` }],
    ['NUL after the key', { authorization: `Bearer ${realKey}\u0000` }],
    ['control characters', { authorization: 'Bearer \u0001\u0002\u001b[31m' }],
    ['unicode', { authorization: 'Bearer ключ🔑𝔘𝔫𝔦' }],
    ['unicode digits', { authorization: `Bearer ${'٠١٢٣٤٥٦٧٨٩'.repeat(3)}٠١` }],
    [
      'a full-width key',
      {
        authorization: `Bearer ${[...realKey].map((c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0)).join('')}`,
      },
    ],
    [
      'many Authorization headers, a bad one first',
      { authorization: ['Bearer x', ...Array(50).fill(`Bearer ${realKey}`)] },
    ],
    [
      'many bad Authorization headers',
      { authorization: Array.from({ length: 100 }, (_, i) => `Bearer ${i}`) },
    ],
  ];
}

export function describeRouteSecurity(kit: SecurityKit, table: RouteEntry[]): void {
  const { version, send } = kit;

  describe(`the /${version} route table`, () => {
    it('has an entry for every operation /openapi.json lists under the prefix, and no other', async () => {
      const spec = (await kit.world.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
        paths: Record<string, Record<string, unknown>>;
      };
      const listed = Object.entries(spec.paths)
        .filter(([path]) => path.startsWith(`/${version}/`))
        .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
      expect(listed.length).toBeGreaterThan(15);
      expect(table.map((r) => r.operation).sort()).toEqual(listed.sort());
    });
  });

  for (const entry of table) {
    describe(entry.operation, () => {
      let owner: Owner;
      let prepared: Prepared;
      const footprint = () => kit.footprint(owner, prepared.names?.orderId ?? prepared.hides);
      /** A refused request changed nothing of the owner's. */
      const unchangedBy = async (refuse: () => Promise<void>) => {
        const before = await footprint();
        await refuse();
        expect(await footprint()).toEqual(before);
      };

      it('prepares its owner', async () => {
        owner = await kit.owner();
        prepared = await entry.prepare(kit, owner);
        kit.prepared.set(entry.operation, prepared);
      });

      it('refuses no key, a malformed key and an unknown key with 401', async () => {
        await unchangedBy(async () => {
          for (const [what, headers] of badCredentials(owner.apiKey)) {
            const url =
              what === 'the key in the query only'
                ? `${prepared.happy.url}${prepared.happy.url.includes('?') ? '&' : '?'}api_key=${owner.apiKey}`
                : prepared.happy.url;
            const refused = await send({ ...prepared.happy, url }, null, { headers });
            expect(refused.statusCode, what).toBe(401);
            expectRefusal(refused, 401, 'UNAUTHORIZED');
          }
          // The HEAD that Fastify adds beside each GET is behind the same check.
          if (prepared.happy.method === 'GET')
            expect((await send({ ...prepared.happy, method: 'HEAD' }, null)).statusCode).toBe(401);
        });
      });

      it('refuses a revoked key with 401 from the next request on', async () => {
        const { key, id } = await owner.newKey({});
        // In use and cached when it is revoked.
        await kit.usedAndCached(kit.world.app, kit.world.ctx.apiKeyCache, key);
        await owner.revoke(id);
        await unchangedBy(async () =>
          expectRefusal(await send(prepared.happy, key), 401, 'UNAUTHORIZED', 'invalid API key'),
        );
      });

      it(`refuses a key without the ${entry.scope} scope with 403`, async () => {
        const key = await owner.keyWithout(entry.scope);
        await unchangedBy(async () =>
          expectRefusal(
            await send(prepared.happy, key),
            403,
            'FORBIDDEN',
            `this API key lacks the ${entry.scope} scope`,
          ),
        );
        if (prepared.happy.method === 'GET')
          expect((await send({ ...prepared.happy, method: 'HEAD' }, key)).statusCode).toBe(403);
      });

      it('refuses an allowlisted key from outside its list with 403, and lets it in from inside', async () => {
        await unchangedBy(async () => {
          for (const remoteAddress of [OUTSIDE, '127.0.0.1', '::1', `::ffff:${OUTSIDE}`])
            expectRefusal(
              await send(prepared.happy, owner.allowlisted, { remoteAddress }),
              403,
              'FORBIDDEN',
              ADDRESS_REFUSED,
            );
          // The address is the connection's: a forwarding header naming an inside address changes nothing.
          const forwarded = { 'x-forwarded-for': INSIDE, 'x-real-ip': INSIDE, forwarded: `for=${INSIDE}` };
          expectRefusal(
            await send(prepared.happy, owner.allowlisted, { remoteAddress: OUTSIDE, headers: forwarded }),
            403,
            'FORBIDDEN',
            ADDRESS_REFUSED,
          );
        });
        if (entry.stream) return; // an accepted stream stays open: inside, it is opened over HTTP
        // From inside, the key is as good as the owner's: a read answers; a change is tried with bad input
        // (so it changes nothing) and gets that input's error.
        const inside =
          prepared.happy.method === 'GET' ? undefined : prepared.errors.find((e) => e.key === undefined);
        const answer = await send(inside?.req ?? prepared.happy, owner.allowlisted, {
          remoteAddress: INSIDE,
        });
        if (inside) expectRefusal(answer, inside.status, inside.code);
        else prepared.expectHappy(answer);
      });

      it('answers another account 404 for the owner’s order, or never shows it', async () => {
        const { names, hides } = prepared;
        if (!names && hides === undefined) return; // names no order of anyone
        await unchangedBy(async () => {
          for (const req of names?.requests ?? [])
            expectRefusal(await send(req, kit.stranger.apiKey), 404, 'NOT_FOUND');
          if (hides !== undefined) {
            const theirs = await send(prepared.happy, kit.stranger.apiKey);
            expect(theirs.statusCode).toBe(200);
            expect(theirs.json().data.map((o: { id: number }) => o.id)).not.toContain(hides);
          }
        });
      });

      it('answers bad input with the contract’s error in the SMSCode envelope', async () => {
        for (const error of prepared.errors)
          expectRefusal(await send(error.req, error.key ?? owner.apiKey), error.status, error.code);
      });

      // The stream's happy path needs a real connection: it is tested over HTTP in the /v2 file.
      if (!entry.stream)
        it('answers the owner’s key (the happy path)', async () => {
          prepared.expectHappy(await send(prepared.happy, owner.apiKey));
        });

      it('never answers a 5xx to hostile credentials', async () => {
        for (const [what, headers] of hostileCredentials(owner.apiKey)) {
          const answer = await send(prepared.happy, null, { headers });
          expect(answer.statusCode, what).toBe(401);
          expectRefusal(answer, 401, 'UNAUTHORIZED');
        }
      });
    });
  }
}

/** Node B, the daily spend limit, suspension and the logs. */
export function describeCrossCutting(kit: SecurityKit, table: RouteEntry[]): void {
  const { version, send, at } = kit;

  describe('a key revoked on node A', () => {
    it('stops working on node B on every route as soon as B hears it, though B had it cached', async () => {
      const owner = await kit.owner();
      const { key, id } = await owner.newKey({});
      const balance = { method: 'GET' as const, url: at('/balance') };
      await kit.usedAndCached(kit.appB, kit.nodeB.apiKeyCache, key);
      const heard = kit.onB.expect({ keyId: id });
      await owner.revoke(id);
      await heard();
      expect([...kit.prepared.keys()].sort()).toEqual(table.map((e) => e.operation).sort());
      for (const [operation, prepared] of kit.prepared) {
        const refused = await send(prepared.happy, key, { app: kit.appB });
        expect(refused.statusCode, operation).toBe(401);
        expectRefusal(refused, 401, 'UNAUTHORIZED', 'invalid API key');
      }
      // The account's other key still works on B.
      expect((await send(balance, owner.apiKey, { app: kit.appB })).statusCode).toBe(200);
    });
  });

  describe('a daily spend limit', () => {
    it('lets creates through up to it, then answers 429 RATE_LIMIT_EXCEEDED, holding nothing', async () => {
      const owner = await kit.owner();
      // Room for one order of the cheapest offer, not for two of any.
      const limit = kit.price + Math.floor(kit.price / 2);
      const { key } = await owner.newKey({ daily_spend_limit: limit });
      const create = {
        method: 'POST' as const,
        url: at('/orders/create'),
        body: { catalog_product_id: kit.world.catalogProductId },
      };
      const first = await send(create, key);
      expect(first.statusCode, first.body).toBe(200);
      const amount = first.json().data.orders[0].amount;
      const spent = version === 'v1' ? amount : amount.canonical_amount;
      const before = await kit.footprint(owner);
      const refused = await send(create, key);
      expectRefusal(refused, 429, 'RATE_LIMIT_EXCEEDED');
      expect(refused.json().error.details).toMatchObject({
        limit,
        spent,
        resets_at: expect.any(String),
        retry_after_seconds: expect.any(Number),
      });
      expect(refused.headers['retry-after']).toBe(String(refused.json().error.details.retry_after_seconds));
      expect(await kit.footprint(owner)).toEqual(before);
      // The limit is the key's: the account's other key still buys.
      expect((await send(create, owner.apiKey)).statusCode).toBe(200);
    });
  });

  describe('an idempotency key', () => {
    it('is the account’s own: another account sending the same key gets its own order, not a replay', async () => {
      const owner = await kit.owner();
      const create = {
        method: 'POST' as const,
        url: at('/orders/create'),
        body: { catalog_product_id: kit.world.catalogProductId },
      };
      const headers = { 'idempotency-key': `shared-${owner.account.id}` };
      const mine = await send(create, owner.apiKey, { headers });
      expect(mine.statusCode).toBe(200);
      expect((await send(create, owner.apiKey, { headers })).body).toBe(mine.body);
      const theirs = await send(create, kit.stranger.apiKey, { headers });
      expect(theirs.statusCode).toBe(200);
      const [myOrder] = mine.json().data.orders;
      const [theirOrder] = theirs.json().data.orders;
      expect(theirOrder.id).not.toBe(myOrder.id);
      expect(theirOrder.phone_number).not.toBe(myOrder.phone_number);
      expectRefusal(
        await send({ method: 'GET', url: at(`/orders/${myOrder.id}`) }, kit.stranger.apiKey),
        404,
        'NOT_FOUND',
      );
    });
  });

  describe('a suspended account', () => {
    it('gets 403 on create, and still reads its orders and balance', async () => {
      const owner = await kit.owner();
      const id = await kit.openOrder(owner);
      await suspendAccount({
        ctx: kit.world.ctx,
        input: { accountId: owner.account.id, reason: 'security suite', actor: SYSTEM_ACTOR },
      });
      const before = await kit.footprint(owner, id);
      const create = {
        method: 'POST' as const,
        url: at('/orders/create'),
        body: { catalog_product_id: kit.world.catalogProductId },
      };
      expectRefusal(await send(create, owner.apiKey), 403, 'FORBIDDEN');
      expectRefusal(
        await send(create, owner.apiKey, { headers: { 'idempotency-key': 'suspended-1' } }),
        403,
        'FORBIDDEN',
      );
      expect(await kit.footprint(owner, id)).toEqual(before);
      const order = await send({ method: 'GET', url: at(`/orders/${id}`) }, owner.apiKey);
      expect(order.statusCode).toBe(200);
      expect(order.json().data).toMatchObject({ id, status: 'ACTIVE' });
      const list = await send({ method: 'GET', url: at('/orders') }, owner.apiKey);
      expect(list.json().data.map((o: { id: number }) => o.id)).toContain(id);
      const active = await send({ method: 'GET', url: at('/orders/active') }, owner.apiKey);
      expect(active.json().data.map((o: { id: number }) => o.id)).toContain(id);
      expect((await send({ method: 'GET', url: at('/balance') }, owner.apiKey)).statusCode).toBe(200);
    });
  });

  describe('the logs', () => {
    it('never hold an API key, after requests that succeeded and failed in every way', async () => {
      const owner = await kit.owner();
      const { key: revoked, id } = await owner.newKey({});
      await owner.revoke(id);
      const balance = { method: 'GET' as const, url: at('/balance') };
      const key = owner.apiKey;
      await send(balance, key);
      await send({ method: 'GET', url: `${at('/balance')}?api_key=${key}&key=${key}` }, null);
      await send(balance, null, { headers: { 'x-apikey': key, cookie: `session=${key}` } });
      await send(balance, revoked);
      await send(balance, owner.allowlisted, { remoteAddress: OUTSIDE });
      await send(balance, await owner.keyWithout('read'));
      for (const [, headers] of [...badCredentials(key), ...hostileCredentials(key)])
        await send(balance, null, { headers });
      await send({ method: 'POST', url: at('/orders/create'), body: { api_key: key, quantity: key } }, key);
      await send({ method: 'GET', url: at(`/nowhere?api_key=${key}`) }, key);
      // Each request was logged (with its URL), so there was something to leak.
      const logged = kit.lines.filter((line) => JSON.parse(line).msg === 'request');
      expect(logged.length).toBeGreaterThan(100);
      expect(logged.some((line) => line.includes(`${at('/balance')}?api_key=[redacted]`))).toBe(true);
      const output = kit.lines.join('\n').toLowerCase();
      // Every key made in this file, through every request of it.
      expect(kit.keys.length).toBeGreaterThan(40);
      const leaked = kit.keys.filter((k) => output.includes(k.toLowerCase()));
      expect(leaked).toEqual([]);
    });
  });
}
