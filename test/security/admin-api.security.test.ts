/**
 * The security suite of the operator console's API (/admin/api): a table holds, for every route the app
 * serves under /admin/api (a route added without cases fails the suite), a happy case run with an admin
 * key and with an admin session and its CSRF token, and an error case (unknown ids 404, malformed ids and
 * bodies 422). Over the whole route list: a customer's key and a customer's session get 403 on every
 * route and method, no credentials 401, a session without its CSRF token 403 on state changes; malformed
 * credentials and ids never cause a 5xx; no credential reaches the logs.
 */
import { randomBytes } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { placeAbuseBan } from '../../src/abuse/place-abuse-ban.ts';
import { SESSION_COOKIE } from '../../src/api/plugins/session-cookie.ts';
import { CLI_ACTOR } from '../../src/audit/audit-actor.ts';
import { configureGateway } from '../../src/payments/configure-gateway.ts';
import { markTopupReview } from '../../src/payments/mark-topup-status.ts';
import { recordPaymentMismatch } from '../../src/payments/payment-mismatch.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { setFxRate } from '../../src/pricing/fx-rates.ts';
import { customer, deliverSms, orderWorld } from '../orders/order-fixture.ts';
import { pendingTopup } from '../payments/topup-fixture.ts';
import { expectClientError, expectNo5xx, expectRefusal } from '../support/envelope.ts';
import { createCustomer } from '../support/factories.ts';
import { fill, routesUnder } from '../support/route-table.ts';
import { type Browser, signIn } from '../support/sign-in.ts';
import { bearer } from '../support/test-app.ts';

const lines: string[] = [];
const log = createLogger('debug', 'numpool', { write: (line: string) => lines.push(line) });
const world = await orderWorld({}, undefined, { log });
const { app, ctx } = world;

const secrets = new Set<string>([ctx.secret]);
const remember = (...values: Array<string | undefined>) => {
  for (const value of values) if (value) secrets.add(value);
};
const rememberBrowser = (browser: Browser) => {
  for (const pair of browser.cookies.cookie.split('; ')) remember(pair.slice(pair.indexOf('=') + 1));
  remember(browser.headers['x-csrf-token']);
  return browser;
};

const admin = await createCustomer(ctx, { role: 'admin' });
const adminKey = bearer(admin.apiKey);
const adminSession = rememberBrowser(await signIn(ctx, app, admin.account.id));
const someone = await createCustomer(ctx, { balance: 100_000 });
const someoneSession = rememberBrowser(await signIn(ctx, app, someone.account.id));
remember(admin.apiKey, someone.apiKey);

type Headers = Record<string, string>;
const send = (method: string, url: string, headers: Headers = {}, payload?: unknown) =>
  app.inject({
    method: method as InjectOptions['method'],
    url: `/admin/api${url}`,
    headers,
    ...(payload === undefined
      ? {}
      : typeof payload === 'string'
        ? { payload }
        : { payload: payload as object }),
  });
const ok = (answer: LightMyRequestResponse) => {
  expect(answer.statusCode, answer.body.slice(0, 500)).toBe(200);
  return answer.json().data;
};

type Me = Awaited<ReturnType<typeof customer>>;
async function order(me: Me): Promise<number> {
  const created = await me.call('POST', '/v1/orders/create', { catalog_product_id: world.catalogProductId });
  expect(created.statusCode, created.body).toBe(200);
  return created.json().data.orders[0].id;
}
async function completedOrder(me: Me): Promise<number> {
  const id = await order(me);
  await deliverSms(world, id, { text: 'Your code: 246810', code: '246810' });
  expect((await me.call('POST', '/v1/orders/finish', { id })).statusCode).toBe(200);
  return id;
}

let providers = 0;
async function newProvider(as: Headers) {
  const credential = `upstream-${randomBytes(8).toString('hex')}`;
  remember(credential);
  const created = ok(
    await send('POST', '/providers', as, {
      code: `sec-${++providers}-${randomBytes(2).toString('hex')}`,
      kind: 'handler',
      base_url: 'https://upstream.example/',
      credential,
      enabled: false,
    }),
  );
  remember(new URL(created.push_url_path, 'http://x').searchParams.get('secret')!);
  return created as { id: number; code: string };
}

const gatewayKey = `gateway-key-${randomBytes(8).toString('hex')}`;
remember(gatewayKey);

// Heleket on a closed loopback port: top-ups can be made and set aside for review, and nothing they
// leave due for reconciliation, so no request leaves the machine.
const heleketKey = `heleket-key-${randomBytes(8).toString('hex')}`;
remember(heleketKey);
await setFxRate({ ctx, input: { currency: 'USD', idrPerUnit: 16_000 } });
await configureGateway({
  ctx,
  input: {
    code: 'heleket',
    enabled: true,
    baseUrl: 'http://127.0.0.1:9',
    credentials: { merchant: 'sec-merchant', paymentKey: heleketKey },
    currencies: ['USD'],
    minAmount: '1.00',
    maxAmount: '5000.00',
    actor: CLI_ACTOR,
  },
});
async function reviewTopup(): Promise<string> {
  const { topup, gatewayPaymentId } = await pendingTopup(ctx, {
    accountId: someone.account.id,
    gateway: 'heleket',
    amount: '2.00',
  });
  await markTopupReview({
    ctx,
    input: { gateway: 'heleket', gatewayPaymentId, reason: 'amounts disagree' },
  });
  return topup.publicId;
}
let mismatches = 0;
async function openMismatch(): Promise<number> {
  const { mismatch } = await recordPaymentMismatch({
    ctx,
    input: {
      gateway: 'stripe',
      gatewayPaymentId: `cs_test_sec${++mismatches}${randomBytes(4).toString('hex')}`,
      topupId: null,
      kind: 'unknown_payment',
      detail: 'stripe reports it paid; it names no top-up',
    },
  });
  return mismatch.id;
}
const probeTopup = await reviewTopup();
const probeMismatch = await openMismatch();

const me = await customer(world);
const anOrder = await order(me);
const sandboxProvider = world.supply.providers.find((p) => p.enabled)!;
const aRule = ok(
  await send('PUT', '/markup-rules', adminKey, { scope: 'country', country_id: 6, multiplier: 1 }),
);
const UNKNOWN = { id: 2_147_483_647, account: 9_007_199_254_740_991, ref: 'no-such-provider' };

interface RouteCase {
  /** A well-formed request (existing objects in its path) for the checks that refuse it before it runs. */
  probe: { url: string; payload?: unknown };
  /** Run twice: with the admin's key, and with the admin's session and CSRF token. */
  happy: (as: Headers) => Promise<void>;
  error: (as: Headers) => Promise<void>;
}

const routes: Record<string, RouteCase> = {
  'GET /admin/api/providers': {
    probe: { url: '/providers' },
    happy: async (as) => {
      const listed = ok(await send('GET', '/providers', as));
      expect(listed.map((p: { id: number }) => p.id)).toContain(sandboxProvider.id);
      expect(JSON.stringify(listed)).not.toContain('"credential"');
    },
    // The list takes no input: any other method is refused.
    error: async (as) => void expectRefusal(await send('DELETE', '/providers', as), 404, 'NOT_FOUND'),
  },
  'POST /admin/api/providers': {
    probe: { url: '/providers', payload: { code: 'probe', kind: 'handler', base_url: 'https://x.example/' } },
    happy: async (as) => {
      const created = await newProvider(as);
      expect(created).toMatchObject({ kind: 'handler', has_credential: true, enabled: false });
    },
    error: async (as) => {
      const bad = { code: 'Bad Code!', kind: 'handler', base_url: 'https://x.example/' };
      expectRefusal(await send('POST', '/providers', as, bad), 422, 'VALIDATION_ERROR');
      const kind = { code: 'fine', kind: 'smtp', base_url: 'https://x.example/' };
      expectRefusal(await send('POST', '/providers', as, kind), 422, 'VALIDATION_ERROR');
    },
  },
  'GET /admin/api/providers/{ref}': {
    probe: { url: `/providers/${sandboxProvider.id}` },
    happy: async (as) => {
      for (const ref of [sandboxProvider.id, sandboxProvider.code])
        expect(ok(await send('GET', `/providers/${ref}`, as)).id).toBe(sandboxProvider.id);
    },
    error: async (as) =>
      void expectRefusal(await send('GET', `/providers/${UNKNOWN.ref}`, as), 404, 'NOT_FOUND'),
  },
  'PATCH /admin/api/providers/{ref}': {
    probe: { url: `/providers/${sandboxProvider.id}`, payload: { priority: 1 } },
    happy: async (as) => {
      const created = await newProvider(as);
      const changed = ok(
        await send('PATCH', `/providers/${created.code}`, as, { name: 'Renamed', credential: null }),
      );
      expect(changed).toMatchObject({ id: created.id, name: 'Renamed', has_credential: false });
    },
    error: async (as) => {
      expectRefusal(await send('PATCH', `/providers/${sandboxProvider.id}`, as, {}), 422, 'VALIDATION_ERROR');
      expectRefusal(await send('PATCH', `/providers/${sandboxProvider.id}`, as, { timeout_ms: 5 }), 422);
      expectRefusal(await send('PATCH', `/providers/${UNKNOWN.ref}`, as, { priority: 1 }), 404, 'NOT_FOUND');
    },
  },
  'POST /admin/api/providers/{ref}/sync': {
    probe: { url: `/providers/${sandboxProvider.id}/sync` },
    happy: async (as) => {
      const synced = ok(await send('POST', `/providers/${sandboxProvider.code}/sync`, as));
      expect(synced).toMatchObject({ provider_id: sandboxProvider.id, offers: expect.any(Number) });
    },
    error: async (as) => void expectRefusal(await send('POST', `/providers/${UNKNOWN.ref}/sync`, as), 404),
  },
  'GET /admin/api/markup-rules': {
    probe: { url: '/markup-rules' },
    happy: async (as) => {
      expect(ok(await send('GET', '/markup-rules', as))).toContainEqual(
        expect.objectContaining({ id: aRule.id }),
      );
    },
    error: async (as) => void expectRefusal(await send('PATCH', '/markup-rules', as, {}), 404, 'NOT_FOUND'),
  },
  'PUT /admin/api/markup-rules': {
    probe: { url: '/markup-rules', payload: { scope: 'country', country_id: 6, multiplier: 1 } },
    happy: async (as) => {
      const rule = ok(
        await send('PUT', '/markup-rules', as, { scope: 'country', country_id: 6, multiplier: 1 }),
      );
      expect(rule).toMatchObject({ id: aRule.id, scope: 'country', country_id: 6 });
    },
    error: async (as) => {
      const low = { scope: 'global', multiplier: 0.5 };
      expectRefusal(await send('PUT', '/markup-rules', as, low), 422, 'VALIDATION_ERROR');
      expectRefusal(await send('PUT', '/markup-rules', as, { scope: 'planet', multiplier: 1 }), 422);
    },
  },
  'DELETE /admin/api/markup-rules/{id}': {
    probe: { url: `/markup-rules/${aRule.id}` },
    happy: async (as) => {
      const rule = ok(
        await send('PUT', '/markup-rules', as, { scope: 'platform', platform_id: 1, multiplier: 1 }),
      );
      expect(ok(await send('DELETE', `/markup-rules/${rule.id}`, as))).toEqual({ deleted: true });
      expectRefusal(await send('DELETE', `/markup-rules/${rule.id}`, as), 404, 'NOT_FOUND');
    },
    error: async (as) => {
      expectRefusal(await send('DELETE', '/markup-rules/abc', as), 422, 'VALIDATION_ERROR');
      expectRefusal(await send('DELETE', `/markup-rules/${UNKNOWN.id}`, as), 404, 'NOT_FOUND');
    },
  },
  'GET /admin/api/fx-rates': {
    probe: { url: '/fx-rates' },
    happy: async (as) => {
      const rates = ok(await send('GET', '/fx-rates', as));
      expect(rates.map((r: { currency: string }) => r.currency)).toContain('USD');
    },
    error: async (as) => void expectRefusal(await send('POST', '/fx-rates', as, {}), 404, 'NOT_FOUND'),
  },
  'PUT /admin/api/fx-rates/{currency}': {
    probe: { url: '/fx-rates/USD', payload: { idr_per_unit: 16_000 } },
    happy: async (as) => {
      expect(ok(await send('PUT', '/fx-rates/USD', as, { idr_per_unit: 16_000 }))).toMatchObject({
        currency: 'USD',
        idr_per_unit: expect.stringMatching(/^16000/),
      });
    },
    error: async (as) => {
      expectRefusal(
        await send('PUT', '/fx-rates/EUR', as, { idr_per_unit: 17_000 }),
        422,
        'VALIDATION_ERROR',
      );
      expectRefusal(await send('PUT', '/fx-rates/USD', as, { idr_per_unit: -1 }), 422, 'VALIDATION_ERROR');
      expectRefusal(
        await send('PUT', '/fx-rates/USD', as, { idr_per_unit: '1e309' }),
        422,
        'VALIDATION_ERROR',
      );
    },
  },
  'GET /admin/api/metrics': {
    probe: { url: '/metrics' },
    happy: async (as) => {
      const answer = await send('GET', '/metrics', as);
      expect(answer.statusCode).toBe(200);
      expect(answer.body).toContain('numpool_');
    },
    error: async (as) => void expectRefusal(await send('POST', '/metrics', as), 404, 'NOT_FOUND'),
  },
  'GET /admin/api/accounts': {
    probe: { url: '/accounts' },
    happy: async (as) => {
      const found = ok(await send('GET', `/accounts?q=${encodeURIComponent(someone.account.email)}`, as));
      expect(found.map((a: { id: number }) => a.id)).toEqual([someone.account.id]);
    },
    error: async (as) => {
      expectRefusal(await send('GET', '/accounts?role=root', as), 422, 'VALIDATION_ERROR');
      expectRefusal(await send('GET', '/accounts?before_id=1.5', as), 422, 'VALIDATION_ERROR');
    },
  },
  'GET /admin/api/accounts/{id}': {
    probe: { url: `/accounts/${someone.account.id}` },
    happy: async (as) => {
      const detail = ok(await send('GET', `/accounts/${me.account.id}`, as));
      expect(detail).toMatchObject({ id: me.account.id, active_api_keys: 1 });
      expect(detail.recent_orders.map((o: { id: number }) => o.id)).toContain(anOrder);
    },
    error: async (as) => {
      for (const id of ['abc', '0', '-1', '1e309', '9'.repeat(30)])
        expectRefusal(await send('GET', `/accounts/${id}`, as), 422, 'VALIDATION_ERROR');
      expectRefusal(await send('GET', `/accounts/${UNKNOWN.account}`, as), 404, 'NOT_FOUND');
    },
  },
  'POST /admin/api/accounts/{id}/suspend': {
    probe: { url: `/accounts/${someone.account.id}/suspend`, payload: { reason: 'probe' } },
    happy: async (as) => {
      const { account } = await createCustomer(ctx);
      const suspended = ok(
        await send('POST', `/accounts/${account.id}/suspend`, as, { reason: 'chargebacks' }),
      );
      expect(suspended).toMatchObject({
        id: account.id,
        status: 'suspended',
        suspended_reason: 'chargebacks',
      });
    },
    error: async (as) => {
      expectRefusal(await send('POST', `/accounts/${someone.account.id}/suspend`, as, { reason: ' ' }), 422);
      expectRefusal(
        await send('POST', `/accounts/${someone.account.id}/suspend`, as, {}),
        422,
        'VALIDATION_ERROR',
      );
      expectRefusal(await send('POST', `/accounts/${UNKNOWN.account}/suspend`, as, { reason: 'x' }), 404);
    },
  },
  'POST /admin/api/accounts/{id}/unsuspend': {
    probe: { url: `/accounts/${someone.account.id}/unsuspend` },
    happy: async (as) => {
      const { account } = await createCustomer(ctx);
      ok(await send('POST', `/accounts/${account.id}/suspend`, as, { reason: 'review' }));
      expect(ok(await send('POST', `/accounts/${account.id}/unsuspend`, as))).toMatchObject({
        status: 'active',
      });
    },
    error: async (as) => {
      expectRefusal(await send('POST', '/accounts/x/unsuspend', as), 422, 'VALIDATION_ERROR');
      expectRefusal(await send('POST', `/accounts/${UNKNOWN.account}/unsuspend`, as), 404, 'NOT_FOUND');
    },
  },
  'POST /admin/api/accounts/{id}/credit': {
    probe: { url: `/accounts/${someone.account.id}/credit`, payload: { amount: 1, reason: 'probe' } },
    happy: async (as) => {
      const { account } = await createCustomer(ctx);
      const credited = ok(
        await send('POST', `/accounts/${account.id}/credit`, as, { amount: 5_000, reason: 'goodwill' }),
      );
      expect(credited).toMatchObject({ replayed: false, balance: { available: 5_000 } });
    },
    error: async (as) => {
      const url = `/accounts/${someone.account.id}/credit`;
      expectRefusal(await send('POST', url, as, { amount: 0, reason: 'x' }), 422, 'VALIDATION_ERROR');
      expectRefusal(await send('POST', url, as, { amount: 1.5, reason: 'x' }), 422, 'VALIDATION_ERROR');
      expectRefusal(
        await send('POST', `/accounts/${UNKNOWN.account}/credit`, as, { amount: 1, reason: 'x' }),
        404,
      );
    },
  },
  'POST /admin/api/accounts/{id}/debit': {
    probe: { url: `/accounts/${someone.account.id}/debit`, payload: { amount: 1, reason: 'probe' } },
    happy: async (as) => {
      const { account } = await createCustomer(ctx, { balance: 3_000 });
      const debited = ok(
        await send('POST', `/accounts/${account.id}/debit`, as, { amount: 1_000, reason: 'fee' }),
      );
      expect(debited).toMatchObject({ balance: { available: 2_000 } });
    },
    error: async (as) => {
      const url = `/accounts/${someone.account.id}/debit`;
      expectRefusal(await send('POST', url, as, { amount: 'lots', reason: 'x' }), 422, 'VALIDATION_ERROR');
      expectRefusal(
        await send('POST', url, as, { amount: 10_000_000, reason: 'x' }),
        409,
        'INSUFFICIENT_BALANCE',
      );
    },
  },
  'GET /admin/api/accounts/{id}/abuse-guard': {
    probe: { url: `/accounts/${someone.account.id}/abuse-guard` },
    happy: async (as) => {
      expect(ok(await send('GET', `/accounts/${someone.account.id}/abuse-guard`, as))).toMatchObject({
        banned: false,
      });
    },
    error: async (as) => {
      expectRefusal(await send('GET', '/accounts/abc/abuse-guard', as), 422, 'VALIDATION_ERROR');
      expectRefusal(await send('GET', `/accounts/${UNKNOWN.account}/abuse-guard`, as), 404, 'NOT_FOUND');
    },
  },
  'POST /admin/api/accounts/{id}/abuse-guard/lift': {
    probe: { url: `/accounts/${someone.account.id}/abuse-guard/lift` },
    happy: async (as) => {
      const { account } = await createCustomer(ctx);
      const reason = {
        orders: 4,
        failed: 4,
        failureRate: 1,
        thresholds: { windowOrders: 10, minOrders: 4, failureRate: 0.75 },
      };
      expect(await placeAbuseBan({ ctx, input: { accountId: account.id, reason } })).not.toBeNull();
      expect(ok(await send('POST', `/accounts/${account.id}/abuse-guard/lift`, as))).toMatchObject({
        banned: false,
      });
      expectRefusal(await send('POST', `/accounts/${account.id}/abuse-guard/lift`, as), 409, 'CONFLICT');
    },
    error: async (as) => {
      expectRefusal(await send('POST', '/accounts/1e3x/abuse-guard/lift', as), 422, 'VALIDATION_ERROR');
      expectRefusal(
        await send('POST', `/accounts/${UNKNOWN.account}/abuse-guard/lift`, as),
        404,
        'NOT_FOUND',
      );
    },
  },
  'GET /admin/api/payment-gateways': {
    probe: { url: '/payment-gateways' },
    happy: async (as) => {
      const config = { enabled: false, base_url: 'https://gateway.example', currencies: ['IDR'] };
      ok(
        await send('PUT', '/payment-gateways/duitku', as, {
          ...config,
          credentials: { merchantCode: 'DS0001', apiKey: gatewayKey },
        }),
      );
      const listed = ok(await send('GET', '/payment-gateways', as));
      expect(listed.map((g: { code: string }) => g.code)).toContain('duitku');
      expect(JSON.stringify(listed)).not.toContain(gatewayKey);
    },
    error: async (as) => void expectRefusal(await send('DELETE', '/payment-gateways', as), 404, 'NOT_FOUND'),
  },
  'PUT /admin/api/payment-gateways/{code}': {
    probe: {
      url: '/payment-gateways/duitku',
      payload: { enabled: true, base_url: 'https://gateway.example', currencies: ['IDR'] },
    },
    happy: async (as) => {
      const configured = ok(
        await send('PUT', '/payment-gateways/duitku', as, {
          enabled: true,
          base_url: 'https://gateway.example',
          credentials: { merchantCode: 'DS0001', apiKey: gatewayKey },
          currencies: ['IDR'],
          min_amount: '10000',
        }),
      );
      expect(configured).toMatchObject({ code: 'duitku', enabled: true, min_amount: '10000.00' });
      expect(JSON.stringify(configured)).not.toContain(gatewayKey);
    },
    error: async (as) => {
      const body = { enabled: true, base_url: 'https://gateway.example', currencies: ['IDR'] };
      expectRefusal(await send('PUT', '/payment-gateways/paypal', as, body), 422, 'VALIDATION_ERROR');
      expectRefusal(
        await send('PUT', '/payment-gateways/duitku', as, { ...body, base_url: 'ftp://x' }),
        422,
        'VALIDATION_ERROR',
      );
      expectRefusal(
        await send('PUT', '/payment-gateways/duitku', as, { ...body, currencies: [] }),
        422,
        'VALIDATION_ERROR',
      );
      // Credentials the adapter could not work with are refused when saved, not by a 500 at each top-up.
      for (const [code, credentials] of [
        ['heleket', { merchant: 'm-1' }],
        ['duitku', { apiKey: gatewayKey }],
        ['stripe', { secretKey: 'sk_test_x' }],
      ] as const)
        expectRefusal(
          await send('PUT', `/payment-gateways/${code}`, as, { ...body, currencies: ['USD'], credentials }),
          422,
          'VALIDATION_ERROR',
        );
    },
  },
  'POST /admin/api/payments/reconcile': {
    probe: { url: '/payments/reconcile', payload: {} },
    happy: async (as) => {
      expect(ok(await send('POST', '/payments/reconcile', as, {}))).toMatchObject({
        listed: 0,
        checked: 0,
        credited: 0,
        mismatches: { found: 0, new: 0, open: expect.any(Number) },
        unreachable: [],
      });
    },
    error: async (as) => void expectRefusal(await send('GET', '/payments/reconcile', as), 404, 'NOT_FOUND'),
  },
  'GET /admin/api/payments/mismatches': {
    probe: { url: '/payments/mismatches' },
    happy: async (as) => {
      const id = await openMismatch();
      const open = ok(await send('GET', '/payments/mismatches?status=open', as));
      expect(open[0]).toMatchObject({ id, kind: 'unknown_payment', resolved_at: null, note: null });
      const resolved = ok(await send('GET', '/payments/mismatches?status=resolved', as));
      expect(resolved.map((m: { id: number }) => m.id)).not.toContain(id);
    },
    error: async (as) => {
      expectRefusal(await send('GET', '/payments/mismatches?status=closed', as), 422, 'VALIDATION_ERROR');
      expectRefusal(await send('GET', '/payments/mismatches?before_id=-1', as), 422, 'VALIDATION_ERROR');
    },
  },
  'GET /admin/api/payments/refused-notifications': {
    probe: { url: '/payments/refused-notifications' },
    happy: async (as) => {
      const forged = await app.inject({
        method: 'POST',
        url: '/hooks/payments/heleket',
        headers: { 'content-type': 'application/json' },
        payload: '{"type":"payment","uuid":"u","order_id":"np-topup-1","status":"paid","sign":"00"}',
      });
      expect(forged.statusCode).toBe(400);
      const listed = ok(await send('GET', '/payments/refused-notifications?gateway=heleket&limit=1', as));
      expect(listed[0]).toMatchObject({ gateway: 'heleket', reason: 'bad_signature' });
    },
    error: async (as) => {
      expectRefusal(
        await send('GET', '/payments/refused-notifications?gateway=paypal', as),
        422,
        'VALIDATION_ERROR',
      );
      expectRefusal(
        await send('GET', '/payments/refused-notifications?before_id=x', as),
        422,
        'VALIDATION_ERROR',
      );
    },
  },
  'POST /admin/api/payments/mismatches/{id}/resolve': {
    probe: { url: `/payments/mismatches/${probeMismatch}/resolve`, payload: { note: 'probe' } },
    happy: async (as) => {
      const id = await openMismatch();
      const resolved = ok(
        await send('POST', `/payments/mismatches/${id}/resolve`, as, { note: 'a test payment' }),
      );
      expect(resolved).toMatchObject({ id, resolved_by: 'account', note: 'a test payment' });
      expectRefusal(
        await send('POST', `/payments/mismatches/${id}/resolve`, as, { note: 'again' }),
        409,
        'CONFLICT',
      );
    },
    error: async (as) => {
      const url = `/payments/mismatches/${probeMismatch}/resolve`;
      expectRefusal(await send('POST', url, as, {}), 422, 'VALIDATION_ERROR');
      expectRefusal(await send('POST', url, as, { note: ' ' }), 422, 'VALIDATION_ERROR');
      expectRefusal(await send('POST', '/payments/mismatches/x/resolve', as, { note: 'x' }), 422);
      expectRefusal(
        await send('POST', `/payments/mismatches/${UNKNOWN.account}/resolve`, as, { note: 'x' }),
        404,
        'NOT_FOUND',
      );
    },
  },
  'GET /admin/api/topups': {
    probe: { url: '/topups' },
    happy: async (as) => {
      const review = ok(await send('GET', '/topups?status=review', as));
      expect(review.map((t: { id: string }) => t.id)).toContain(probeTopup);
      expect(review.every((t: { status: string }) => t.status === 'review')).toBe(true);
      const theirs = ok(await send('GET', `/topups?account_id=${someone.account.id}&gateway=heleket`, as));
      expect(theirs[0]).toMatchObject({ account_id: someone.account.id, gateway: 'heleket' });
    },
    error: async (as) => {
      expectRefusal(await send('GET', '/topups?status=lost', as), 422, 'VALIDATION_ERROR');
      expectRefusal(await send('GET', '/topups?account_id=-1', as), 422, 'VALIDATION_ERROR');
    },
  },
  'POST /admin/api/topups/{id}/resolve': {
    probe: { url: `/topups/${probeTopup}/resolve`, payload: { action: 'reject', note: 'probe' } },
    happy: async (as) => {
      const id = await reviewTopup();
      const rejected = ok(
        await send('POST', `/topups/${id}/resolve`, as, { action: 'reject', note: 'fraud' }),
      );
      expect(rejected.topup).toMatchObject({
        id,
        status: 'failed',
        review_decision: 'reject',
        review_note: 'fraud',
      });
      // Decided once: a second decision, either way, is refused.
      for (const action of ['reject', 'credit'])
        expectRefusal(
          await send('POST', `/topups/${id}/resolve`, as, { action, note: 'again' }),
          409,
          'CONFLICT',
        );
    },
    error: async (as) => {
      const url = `/topups/${probeTopup}/resolve`;
      expectRefusal(await send('POST', url, as, { action: 'refund', note: 'x' }), 422, 'VALIDATION_ERROR');
      expectRefusal(await send('POST', url, as, { action: 'reject' }), 422, 'VALIDATION_ERROR');
      for (const id of ['x', '-1', 'np-topup-', '9'.repeat(16)])
        expectRefusal(await send('POST', `/topups/${id}/resolve`, as, { action: 'reject', note: 'x' }), 422);
      expectRefusal(
        await send('POST', '/topups/np-topup-999999999/resolve', as, { action: 'reject', note: 'x' }),
        404,
        'NOT_FOUND',
      );
    },
  },
  'GET /admin/api/topup-bonus': {
    probe: { url: '/topup-bonus' },
    happy: async (as) => {
      ok(await send('PUT', '/topup-bonus', as, { tiers: [{ min_idr: 500_000, percent: '4' }] }));
      expect(ok(await send('GET', '/topup-bonus', as))).toEqual({
        tiers: [{ min_idr: 500_000, percent: '4.00' }],
      });
    },
    error: async (as) => void expectRefusal(await send('DELETE', '/topup-bonus', as), 404, 'NOT_FOUND'),
  },
  'PUT /admin/api/topup-bonus': {
    probe: { url: '/topup-bonus', payload: { tiers: [] } },
    happy: async (as) => {
      const tiers = [
        { min_idr: 2_000_000, percent: '10' },
        { min_idr: 500_000, percent: '4' },
      ];
      expect(ok(await send('PUT', '/topup-bonus', as, { tiers }))).toEqual({
        tiers: [
          { min_idr: 500_000, percent: '4.00' },
          { min_idr: 2_000_000, percent: '10.00' },
        ],
      });
      expect(ok(await send('PUT', '/topup-bonus', as, { tiers: [] }))).toEqual({ tiers: [] });
    },
    error: async (as) => {
      for (const body of [
        {},
        { tiers: [{ min_idr: 1, percent: '0' }] },
        { tiers: [{ min_idr: 1, percent: '101' }] },
        { tiers: [{ min_idr: -1, percent: '4' }] },
        { tiers: [{ min_idr: 1.5, percent: '4' }] },
        { tiers: [{ min_idr: 1, percent: '1e2' }] },
        { tiers: [{ min_idr: 1, percent: '4', extra: true }] },
        {
          tiers: [
            { min_idr: 1, percent: '4' },
            { min_idr: 1, percent: '5' },
          ],
        },
        { tiers: Array.from({ length: 21 }, (_, i) => ({ min_idr: i, percent: '1' })) },
      ]) {
        expectRefusal(await send('PUT', '/topup-bonus', as, body), 422, 'VALIDATION_ERROR');
      }
    },
  },
  'GET /admin/api/audit': {
    probe: { url: '/audit' },
    happy: async (as) => {
      const { account } = await createCustomer(ctx);
      ok(await send('POST', `/accounts/${account.id}/suspend`, as, { reason: 'audited' }));
      const entries = ok(await send('GET', `/audit?action=account.&target_id=${account.id}`, as));
      expect(entries).toEqual([
        expect.objectContaining({ action: 'account.suspend', actor_account_id: admin.account.id }),
      ]);
      expect(entries.every((e: { action: string }) => e.action.startsWith('account.'))).toBe(true);
    },
    error: async (as) => {
      expectRefusal(await send('GET', '/audit?since=yesterday', as), 422, 'VALIDATION_ERROR');
      expectRefusal(await send('GET', '/audit?actor_account_id=-4', as), 422, 'VALIDATION_ERROR');
    },
  },
  'GET /admin/api/orders': {
    probe: { url: '/orders' },
    happy: async (as) => {
      const found = ok(await send('GET', `/orders?account_id=${me.account.id}`, as));
      expect(found.map((o: { id: number }) => o.id)).toContain(anOrder);
    },
    error: async (as) => {
      expectRefusal(await send('GET', '/orders?status=LOST', as), 422, 'VALIDATION_ERROR');
      expectRefusal(await send('GET', '/orders?id=x', as), 422, 'VALIDATION_ERROR');
    },
  },
  'GET /admin/api/orders/{id}': {
    probe: { url: `/orders/${anOrder}` },
    happy: async (as) => {
      expect(ok(await send('GET', `/orders/${anOrder}`, as))).toMatchObject({
        id: anOrder,
        account_id: me.account.id,
        refund: null,
      });
    },
    error: async (as) => {
      for (const id of ['x', '-1', '2147483648', 'Infinity'])
        expectRefusal(await send('GET', `/orders/${id}`, as), 422, 'VALIDATION_ERROR');
      expectRefusal(await send('GET', `/orders/${UNKNOWN.id}`, as), 404, 'NOT_FOUND');
    },
  },
  'POST /admin/api/orders/{id}/refund': {
    probe: { url: `/orders/${anOrder}/refund`, payload: { reason: 'probe' } },
    happy: async (as) => {
      const id = await completedOrder(me);
      const refunded = ok(
        await send('POST', `/orders/${id}/refund`, as, { reason: 'the code did not work' }),
      );
      expect(refunded).toMatchObject({ order_id: id, account_id: me.account.id });
      expectRefusal(await send('POST', `/orders/${id}/refund`, as, { reason: 'again' }), 409, 'CONFLICT');
    },
    error: async (as) => {
      expectRefusal(await send('POST', `/orders/${anOrder}/refund`, as, {}), 422, 'VALIDATION_ERROR');
      expectRefusal(await send('POST', `/orders/${anOrder}/refund`, as, { reason: 'not completed' }), 409);
      expectRefusal(
        await send('POST', `/orders/${UNKNOWN.id}/refund`, as, { reason: 'x' }),
        404,
        'NOT_FOUND',
      );
    },
  },
};

const table = Object.entries(routes).map(([route, spec]) => ({
  route,
  method: route.split(' ')[0]!,
  ...spec,
}));
const writes = table.filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method));
const probe = (r: (typeof table)[number], headers: Headers) =>
  send(r.method, r.probe.url, headers, r.probe.payload);

describe('the route table', () => {
  it('covers every route the app serves under /admin/api', async () => {
    expect(Object.keys(routes).sort()).toEqual(await routesUnder(app, '/admin/api'));
  });
});

describe.each(table)('$route', (r) => {
  it('happy case with an admin API key', () => r.happy(adminKey));
  it('happy case with an admin session and its CSRF token', () => r.happy(adminSession.headers));
  it('error case: unknown ids 404, malformed ids and bodies 422', () => r.error(adminKey));
});

describe('who may call it', () => {
  /** Every route of the surface with every method it answers (HEAD with each GET). */
  const everyRequest = async () => {
    const values = { ref: sandboxProvider.id, id: someone.account.id, currency: 'USD', code: 'duitku' };
    const routes = await routesUnder(app, '/admin/api');
    const heads = routes.filter((r) => r.startsWith('GET ')).map((r) => r.replace(/^GET/, 'HEAD'));
    return [...routes, ...heads].map((route) => fill(route, values));
  };

  it("a customer's key and a customer's session get 403 on every route, whatever the method", async () => {
    const requests = await everyRequest();
    expect(requests.length).toBeGreaterThan(table.length);
    for (const { method, url } of requests) {
      for (const headers of [bearer(someone.apiKey), someoneSession.headers, someoneSession.cookies]) {
        const answer = await app.inject({
          method: method as InjectOptions['method'],
          url,
          headers,
          payload: {},
        });
        if (method === 'HEAD') expect(answer.statusCode, url).toBe(403);
        else expectRefusal(answer, 403, 'FORBIDDEN');
      }
    }
    // A customer's key with every scope is still a customer's.
    const session = await app.inject({ method: 'GET', url: '/api/session', headers: bearer(someone.apiKey) });
    expect(ok(session).account.role).toBe('customer');
  });

  it('no credentials: 401 on every route', async () => {
    for (const r of table) expectRefusal(await probe(r, {}), 401, 'UNAUTHORIZED');
  });

  it("an admin session's state changes need its own CSRF token", async () => {
    const other = rememberBrowser(await signIn(ctx, app, admin.account.id));
    const refused: Headers[] = [
      adminSession.cookies,
      { ...adminSession.cookies, 'x-csrf-token': 'forged' },
      { ...adminSession.cookies, 'x-csrf-token': other.headers['x-csrf-token'] },
      { ...adminSession.cookies, 'x-csrf-token': someoneSession.headers['x-csrf-token'] },
    ];
    for (const r of writes)
      for (const headers of refused) expectRefusal(await probe(r, headers), 403, 'FORBIDDEN');
    // Nothing happened: the probed account is not suspended, nor its balance changed.
    const detail = ok(await send('GET', `/accounts/${someone.account.id}`, adminKey));
    expect(detail).toMatchObject({ status: 'active', balance: { available: 100_000 } });
  });

  it('a revoked admin key and a logged-out admin session get 401 at once', async () => {
    const op = await createCustomer(ctx, { role: 'admin' });
    remember(op.apiKey);
    const browser = rememberBrowser(await signIn(ctx, app, op.account.id));
    ok(await send('GET', '/providers', bearer(op.apiKey)));
    ok(await send('GET', '/providers', browser.cookies));
    const created = await app.inject({
      method: 'POST',
      url: '/api/keys',
      headers: browser.headers,
      payload: { name: 'x' },
    });
    remember(created.json().data.key);
    expect(
      (await app.inject({ method: 'DELETE', url: `/api/keys/${op.apiKeyId}`, headers: browser.headers }))
        .statusCode,
    ).toBe(200);
    expect(
      (await app.inject({ method: 'POST', url: '/api/logout', headers: browser.headers })).statusCode,
    ).toBe(200);
    for (const r of table) {
      expectRefusal(await probe(r, bearer(op.apiKey)), 401, 'UNAUTHORIZED');
      expectRefusal(await probe(r, browser.headers), 401, 'UNAUTHORIZED');
    }
  });
});

describe('malformed input never causes a 5xx', () => {
  it('credentials: Authorization headers, session cookies, CSRF tokens', async () => {
    const unknownToken = randomBytes(32).toString('base64url');
    const headers: Headers[] = [
      { authorization: `Bearer ${'a'.repeat(16_384)}` },
      { authorization: 'Bearer \u0000' },
      { authorization: 'Bearer ключ🔑' },
      { authorization: 'Bearer' },
      { cookie: `${SESSION_COOKIE}=${'x'.repeat(8192)}` },
      { cookie: `${SESSION_COOKIE}=%E0%A4%A` },
      { cookie: `${SESSION_COOKIE}=${unknownToken}` },
      { cookie: `${SESSION_COOKIE}=a; ${SESSION_COOKIE}=b` },
      { cookie: `${adminSession.cookies.cookie}; ${SESSION_COOKIE}=garbage` },
      { ...adminSession.cookies, 'x-csrf-token': 'x'.repeat(20_000) },
      { ...adminSession.cookies, 'x-csrf-token': 'токен' },
      { ...adminSession.cookies, 'x-csrf-token': '' },
    ];
    for (const r of table) for (const h of headers) expectNo5xx(await probe(r, h));
  });

  it('ids and bodies: hostile values in every path parameter and body', async () => {
    const hostile = [
      '%00',
      '-1',
      '1e309',
      'Infinity',
      'NaN',
      '9'.repeat(40),
      'ключ',
      '..%2f..%2f',
      '%E0%A4%A',
      ' ',
    ];
    const bodies = [
      '[]',
      'null',
      '"text"',
      '{"a":',
      '{"reason":{"$gt":""}}',
      '{"amount":1e309,"reason":"x"}',
    ];
    for (const r of table) {
      const [method, path] = r.route.split(' ') as [string, string];
      const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      for (const value of params.length > 0 ? hostile : []) {
        const filled = path.replace(/\{(\w+)\}/g, value).slice('/admin/api'.length);
        expectClientError(await send(method, filled, adminKey));
      }
      if (r.probe.payload === undefined) continue;
      for (const payload of bodies)
        expectNo5xx(
          await send(method, r.probe.url, { ...adminKey, 'content-type': 'application/json' }, payload),
        );
    }
  });
});

describe('logs', () => {
  it('carry no API key, session or CSRF token, provider credential or hook secret', () => {
    expect(lines.length).toBeGreaterThan(100);
    const output = lines.join('\n');
    for (const secret of secrets) expect(output.includes(secret), `a log line carries ${secret}`).toBe(false);
  });
});
