/**
 * A key does only what its scopes allow, on every surface: /v1 and /v2 (403 FORBIDDEN, checked before the
 * body is read), numpool's own /api routes, and the handler API (BAD_KEY, the protocol's word for a key
 * that may not do this). A key holding the scope gets past the check.
 */
import { describe, expect, it } from 'vitest';
import { API_SCOPES, type ApiScope } from '../../src/accounts/api-scopes.ts';
import { issueApiKey } from '../../src/accounts/issue-api-key.ts';
import { createCustomer } from '../support/factories.ts';
import { createTestApp, sdkHeaders } from '../support/test-app.ts';
import { createTestContext } from '../support/test-database.ts';

const ctx = await createTestContext();
const app = await createTestApp(ctx);
const owner = await createCustomer(ctx, { balance: 100_000 });

/** A key of the same account holding only these scopes. */
async function keyWith(scopes: ApiScope[]): Promise<string> {
  return (await issueApiKey({ ctx, input: { accountId: owner.account.id, name: scopes.join('+'), scopes } }))
    .key;
}
const onlyKeys = Object.fromEntries(
  await Promise.all(API_SCOPES.map(async (scope) => [scope, await keyWith([scope])] as const)),
) as Record<ApiScope, string>;
/** A key with every scope but this one. */
const allBut = Object.fromEntries(
  await Promise.all(
    API_SCOPES.map(async (scope) => [scope, await keyWith(API_SCOPES.filter((s) => s !== scope))] as const),
  ),
) as Record<ApiScope, string>;

type Route = { method: 'GET' | 'POST' | 'PATCH'; url: string; body?: unknown; scope: ApiScope };
const smscode = (v: 'v1' | 'v2'): Route[] => [
  { method: 'GET', url: `/${v}/catalog/countries`, scope: 'read' },
  { method: 'GET', url: `/${v}/catalog/services`, scope: 'read' },
  { method: 'GET', url: `/${v}/catalog/operators?country_id=6`, scope: 'read' },
  { method: 'GET', url: `/${v}/catalog/products?country_id=6`, scope: 'read' },
  { method: 'GET', url: `/${v}/catalog/exchange-rate`, scope: 'read' },
  { method: 'GET', url: `/${v}/balance`, scope: 'read' },
  { method: 'GET', url: `/${v}/orders`, scope: 'read' },
  { method: 'GET', url: `/${v}/orders/active`, scope: 'read' },
  { method: 'GET', url: `/${v}/orders/2147480000`, scope: 'read' },
  { method: 'GET', url: `/${v}/orders/2147480000?wait=1`, scope: 'read' },
  { method: 'GET', url: `/${v}/orders/2147480000/reactivate-options`, scope: 'read' },
  { method: 'POST', url: `/${v}/orders/create`, body: { catalog_product_id: 2147480000 }, scope: 'orders' },
  { method: 'POST', url: `/${v}/orders/cancel`, body: { id: 2147480000 }, scope: 'orders' },
  { method: 'POST', url: `/${v}/orders/finish`, body: { id: 2147480000 }, scope: 'orders' },
  { method: 'POST', url: `/${v}/orders/resend`, body: { id: 2147480000 }, scope: 'orders' },
  { method: 'POST', url: `/${v}/orders/reactivate`, body: { id: 2147480000 }, scope: 'orders' },
  { method: 'GET', url: `/${v}/webhook`, scope: 'webhook' },
  { method: 'PATCH', url: `/${v}/webhook`, body: { enabled: false }, scope: 'webhook' },
  { method: 'POST', url: `/${v}/webhook/test`, body: {}, scope: 'webhook' },
];
const ROUTES: Route[] = [
  ...smscode('v1'),
  ...smscode('v2'),
  { method: 'GET', url: '/api/webhook-deliveries', scope: 'webhook' },
  { method: 'POST', url: '/api/webhook-deliveries/2147480000/redeliver', scope: 'webhook' },
  { method: 'GET', url: '/api/handler-settings', scope: 'webhook' },
  { method: 'PATCH', url: '/api/handler-settings', body: { handler_json_errors: false }, scope: 'webhook' },
];

const send = (route: Route, key: string, body = route.body) =>
  app.inject({
    method: route.method,
    url: route.url,
    headers: sdkHeaders(key),
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });

describe('scopes on /v1, /v2 and /api', () => {
  it.each(ROUTES.map((r) => [`${r.method} ${r.url}`, r] as const))(
    '%s: 403 without its scope, past the check with it',
    async (_name, route) => {
      const refused = await send(route, allBut[route.scope]);
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toEqual({
        success: false,
        error: { code: 'FORBIDDEN', message: `this API key lacks the ${route.scope} scope` },
      });
      const allowed = await send(route, onlyKeys[route.scope]);
      expect([401, 403, 500]).not.toContain(allowed.statusCode);
    },
  );

  it('refuses before reading the body: a malformed create from a read-only key is a 403, not a 422', async () => {
    const create = smscode('v1').find((r) => r.url.endsWith('/orders/create'))!;
    const refused = await send(create, onlyKeys.read, { quantity: 'many', catalog_product_id: -1 });
    expect(refused.statusCode).toBe(403);
    expect((await send(create, onlyKeys.orders, { quantity: 'many' })).statusCode).toBe(422);
  });

  it('refuses the event stream to a key without read', async () => {
    const refused = await app.inject({
      method: 'GET',
      url: '/v2/stream',
      headers: sdkHeaders(onlyKeys.orders),
    });
    expect(refused.statusCode).toBe(403);
  });
});

describe('scopes on the handler API', () => {
  const handler = (key: string, params: Record<string, string>) =>
    app.inject({
      method: 'GET',
      url: `/stubs/handler_api.php?${new URLSearchParams({ api_key: key, ...params })}`,
    });
  const reads: Array<Record<string, string>> = [
    { action: 'getBalance' },
    { action: 'getBalanceAndCashBack' },
    { action: 'getStatus', id: '2147480000' },
    { action: 'getStatusV2', id: '2147480000' },
    { action: 'getFullSms', id: '2147480000' },
    { action: 'getActiveActivations' },
    { action: 'getHistory' },
    { action: 'getPrices', service: 'wa', country: '6' },
    { action: 'getNumbersStatus', country: '6' },
    { action: 'getTopCountriesByService', service: 'wa' },
  ];
  const mutations: Array<Record<string, string>> = [
    { action: 'getNumber', service: 'wa', country: '6' },
    { action: 'getNumberV2', service: 'wa', country: '6' },
    { action: 'setStatus', id: '2147480000', status: '8' },
    { action: 'setStatus', id: '2147480000', status: '6' },
    { action: 'getRentNumber', service: 'wa' },
  ];

  it.each(reads.map((p) => [JSON.stringify(p), p] as const))('%s needs read', async (_name, params) => {
    expect((await handler(allBut.read, params)).body).toBe('BAD_KEY');
    const allowed = await handler(onlyKeys.read, params);
    expect(allowed.body).not.toContain('BAD_KEY');
    expect(allowed.body).not.toContain('SQL');
  });

  it.each(mutations.map((p) => [JSON.stringify(p), p] as const))('%s needs orders', async (_name, params) => {
    expect((await handler(onlyKeys.read, params)).body).toBe('BAD_KEY');
    expect((await handler(allBut.orders, params)).body).toBe('BAD_KEY');
    const allowed = await handler(onlyKeys.orders, params);
    expect(allowed.body).not.toContain('BAD_KEY');
    expect(allowed.body).not.toContain('SQL');
  });

  it('answers a missing scope in the JSON dialect as a bad key too, and serves public actions to any key', async () => {
    const json = await handler(onlyKeys.read, {
      action: 'getNumber',
      service: 'wa',
      country: '6',
      errors: 'json',
    });
    expect(json.statusCode).toBe(401);
    expect(json.json()).toMatchObject({ title: 'BAD_KEY' });
    expect((await handler(onlyKeys.billing, { action: 'getCountries' })).statusCode).toBe(200);
  });
});

describe('a key issued for the command line and the sandbox', () => {
  it('holds every scope, and is stored with them', async () => {
    const row = await ctx.db.query('SELECT scopes FROM api_keys WHERE id = $1', [owner.apiKeyId]);
    expect(row.rows[0].scopes).toEqual([...API_SCOPES]);
    for (const route of ROUTES) expect((await send(route, owner.apiKey)).statusCode).not.toBe(403);
  });
});
