/**
 * Hostile values that once reached PostgreSQL or the file system and came back as 500s: each is now a
 * 4xx in its surface's own format.
 */
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createCustomer } from './support/factories.ts';
import { rawGet } from './support/raw-get.ts';
import { bearer, createTestApp } from './support/test-app.ts';
import { createTestContext } from './support/test-database.ts';

const ctx = await createTestContext();
const app = await createTestApp(ctx);
const customer = await createCustomer(ctx, { balance: 100_000 });
const admin = await createCustomer(ctx, { role: 'admin' });

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Response = Awaited<ReturnType<typeof app.inject>>;

const call = (method: Method, url: string, payload?: object, key = customer.apiKey) =>
  app.inject({ method, url, headers: bearer(key), ...(payload ? { payload } : {}) });

function expectRefused(response: Response, status = 422, code = 'VALIDATION_ERROR') {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(response.json()).toMatchObject({ success: false, error: { code, message: expect.any(String) } });
}

const NOT_FINITE = ['1e309', 'Infinity', '-Infinity', '-1e309'];

describe('numbers that are not finite', () => {
  it.each(NOT_FINITE)('are refused as order ids on every order verb (%s)', async (value) => {
    for (const version of ['v1', 'v2'])
      for (const verb of ['cancel', 'finish', 'resend', 'reactivate'])
        expectRefused(await call('POST', `/${version}/orders/${verb}`, { id: value }));
    expectRefused(await call('GET', `/v1/orders/${value}`));
    expectRefused(await call('GET', `/v1/orders/${value}/reactivate-options`));
    expectRefused(await call('GET', `/v2/orders/1?wait=${value}`));
    expectRefused(await call('GET', `/v1/orders/1?after_revision=${value}`));
  });

  it.each(NOT_FINITE)('are refused in create bodies, catalog and list queries (%s)', async (value) => {
    for (const field of ['catalog_product_id', 'product_id', 'operator_id', 'quantity', 'max_price'])
      expectRefused(await call('POST', '/v1/orders/create', { [field]: value }));
    for (const query of ['page', 'limit', 'country_id', 'platform_id', 'operator_id'])
      expectRefused(await call('GET', `/v1/catalog/products?${query}=${value}`));
    expectRefused(await call('GET', `/v2/catalog/services?country_id=${value}`));
    expectRefused(await call('GET', `/v1/orders?limit=${value}`));
    expectRefused(await call('GET', `/v1/orders?offset=${value}`));
    expectRefused(await call('GET', `/api/webhook-deliveries?limit=${value}`));
    expectRefused(await call('POST', `/api/webhook-deliveries/${value}/redeliver`));
  });

  it('are refused on the event stream instead of opening a stream that never sends', async () => {
    expectRefused(await call('GET', '/v2/stream?last_event_id=1e309'));
    expectRefused(await call('GET', `/v2/stream?last_event_id=${2 ** 53}`));
  });

  it.each(NOT_FINITE)('are refused by the admin pricing and provider routes (%s)', async (value) => {
    expectRefused(await call('DELETE', `/admin/api/markup-rules/${value}`, undefined, admin.apiKey));
    const rule = { scope: 'global', multiplier: 1.5 };
    for (const change of [{ multiplier: value }, { add_idr: value }, { scope: 'country', country_id: value }])
      expectRefused(await call('PUT', '/admin/api/markup-rules', { ...rule, ...change }, admin.apiKey));
    expectRefused(await call('PUT', '/admin/api/fx-rates/USD', { idr_per_unit: value }, admin.apiKey));
    for (const change of [{ priority: value }, { timeout_ms: value }])
      expectRefused(await call('PATCH', '/admin/api/providers/1', change, admin.apiKey));
  });

  it('leaves the stored markup and rates untouched', async () => {
    const rules = await ctx.db.query(
      `SELECT multiplier::text FROM markup_rules WHERE multiplier = 'Infinity'`,
    );
    expect(rules.rows).toEqual([]);
  });

  it('still accepts in-range ids and answers them normally', async () => {
    expectRefused(await call('POST', '/v1/orders/cancel', { id: '2147483647' }), 404, 'NOT_FOUND');
    expectRefused(await call('POST', '/v1/orders/cancel', { id: 2_147_483_648 }));
    expect((await call('GET', '/v1/catalog/products?page=2')).statusCode).toBe(200);
    // Paging numbers are clamped by the contract, not refused, as long as they are finite.
    expect((await call('GET', '/v1/catalog/products?page=1e20&limit=-5')).statusCode).toBe(200);
    expect((await call('GET', '/v1/orders?limit=1e20&offset=1e20')).statusCode).toBe(200);
  });
});

describe('NUL characters', () => {
  it('are refused in the path, unauthenticated routes included', async () => {
    const hook = await app.inject({ method: 'POST', url: '/hooks/providers/%00', payload: {} });
    expectRefused(hook);
    expectRefused(await call('GET', '/admin/api/providers/%00', undefined, admin.apiKey));
    expectRefused(await call('GET', '/admin/api/providers/a%00b', undefined, admin.apiKey));
  });

  it('are refused in queries and bodies, at any depth', async () => {
    expectRefused(await call('GET', '/v1/catalog/exchange-rate?pair=USD%00'));
    expectRefused(await call('GET', '/v1/orders?status=ACTIVE%00'));
    expectRefused(
      await call('POST', '/v1/orders/create', { catalog_product_id: 1, prefer_provider: 'a\u0000' }),
    );
    expectRefused(await call('PATCH', '/v1/webhook', { webhook_url: 'https://example.test/\u0000' }));
    const settings = { handler_webhook_url: 'https://example.test/a', nested: { x: ['\u0000'] } };
    expectRefused(await call('PATCH', '/api/handler-settings', settings));
  });

  it('are answered by the handler API in its own protocol', async () => {
    const base = `/stubs/handler_api.php?api_key=${customer.apiKey}`;
    for (const query of [
      '&action=getNumber&service=wa&operator=%00',
      '&action=getStatus&id=%00',
      '&action=%00',
    ]) {
      const plain = await app.inject({ method: 'GET', url: `${base}${query}` });
      expect(plain.statusCode).toBe(200);
      expect(plain.body).toBe('BAD_ACTION');
      const json = await app.inject({ method: 'GET', url: `${base}${query}&errors=json` });
      expect(json.statusCode).toBe(400);
      expect(json.json()).toMatchObject({ title: 'BAD_ACTION', details: expect.any(String) });
    }
    const form = await app.inject({
      method: 'POST',
      url: '/stubs/handler_api.php',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `api_key=${customer.apiKey}&action=getNumber&service=wa&operator=x%00`,
    });
    expect(form.body).toBe('BAD_ACTION');
  });
});

describe('static documentation paths', () => {
  it('never answer a 5xx or a file outside the docs, whatever the path', async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    for (const path of [
      '/docs/static/../../../../etc/passwd',
      '/docs/static/../package.json',
      '/docs/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/docs/static/./index.css',
      '/docs/static//etc/passwd',
      '/docs/static/..\\..\\etc\\passwd',
      '/docs/static/%00',
      '/docs/static/%ff',
      '/v1/%',
    ]) {
      const response = await rawGet(port, path);
      expect(response.status, path).toBeGreaterThanOrEqual(400);
      expect(response.status, path).toBeLessThan(500);
      expect(response.body, path).not.toMatch(/root:|"name": "numpool"/);
      expect(response.type, path).toMatch(/^application\/json/);
      expect(JSON.parse(response.body), path).toMatchObject({
        success: false,
        error: { code: expect.any(String) },
      });
    }
    expect((await rawGet(port, '/docs/static/swagger-ui.css')).status).toBe(200);
  });
});
