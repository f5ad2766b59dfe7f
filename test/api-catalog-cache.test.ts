/**
 * Catalog answers are kept rendered per catalog version: a slot patch or a snapshot reload shows at once on
 * every cached surface, and compressed answers decode to exactly the bytes of the plain one.
 */
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createCustomer } from './support/factories.ts';
import { addProvider, offer, slot, stock } from './support/pool-fixtures.ts';
import { createTestApp, sdkHeaders } from './support/test-app.ts';
import { createTestContext } from './support/test-database.ts';
import { waitUntil } from './support/wait.ts';

const ctx = await createTestContext();
const app = await createTestApp(ctx);
const { apiKey } = await createCustomer(ctx);
const get = (url: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url, headers: { ...sdkHeaders(apiKey), ...headers } });
const handler = (query: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url: `/stubs/handler_api.php?api_key=${apiKey}&${query}`, headers });

const alpha = await addProvider(ctx, { code: 'alpha' });
// Enough offers that the whole-catalog answers are well over the compression threshold.
const offers = [offer(6, 1, '0.10', 40), offer(6, 2, '0.30', 5)];
for (let country = 0; country < 40; country++) offers.push(offer(country, 3, '0.20', 9));
await stock(ctx, alpha, offers);

/** Changes one slot in the store and patches it in, as a live stock check does. */
async function patchSlot(countryId: number, platformId: number, available: number) {
  const row = await slot(ctx, alpha.id, countryId, platformId);
  await ctx.db.query('UPDATE products SET available = $2 WHERE id = $1', [row.id, available]);
  await ctx.catalogCache.updateSlot(ctx, row.id);
}

const availableIn = (body: { data: { country_id: number; platform_id: number; available: number }[] }) =>
  body.data.find((p) => p.country_id === 6 && p.platform_id === 1)?.available;

describe('catalog answers kept per catalog version', () => {
  it('show a slot patch at once on /v1, /v2 and the handler API', async () => {
    const v1 = '/v1/catalog/products?limit=10000';
    const v2 = '/v2/catalog/products?country_id=6';
    const first = await get(v1);
    expect((await get(v1)).body).toBe(first.body);
    expect(availableIn(first.json())).toBe(40);
    expect(availableIn((await get(v2)).json())).toBe(40);
    expect((await handler('action=getPrices&country=6')).json()['6'].wa.count).toBe(40);
    expect((await handler('action=getNumbersStatus&country=6')).json().wa_0).toBe('40');

    await patchSlot(6, 1, 17);
    expect(availableIn((await get(v1)).json())).toBe(17);
    expect(availableIn((await get(v2)).json())).toBe(17);
    expect((await handler('action=getPrices&country=6')).json()['6'].wa.count).toBe(17);
    expect((await handler('action=getNumbersStatus&country=6')).json().wa_0).toBe('17');

    // Sold out: the slot leaves the lists, and the country's services follow.
    const services = '/v1/catalog/services?country_id=6';
    expect((await get(services)).json().data.map((s: { code: string }) => s.code)).toContain('whatsapp');
    await patchSlot(6, 1, 0);
    expect(availableIn((await get(v1)).json())).toBeUndefined();
    expect((await get(services)).json().data.map((s: { code: string }) => s.code)).not.toContain('whatsapp');
    await patchSlot(6, 1, 40);
  });

  it('show a snapshot reload (a sync) at once', async () => {
    const url = '/v1/catalog/products?country_id=6&platform_id=2';
    expect((await get(url)).json().data[0].available).toBe(5);
    await stock(
      ctx,
      alpha,
      offers.map((o) => (o.platformId === 2 ? { ...o, available: 6 } : o)),
    );
    expect((await get(url)).json().data[0].available).toBe(6);
  });

  it('answer each query, surface and money rendering apart', async () => {
    const page1 = (await get('/v1/catalog/products?limit=1&page=1')).json();
    const page2 = (await get('/v1/catalog/products?limit=1&page=2')).json();
    expect(page1.data[0].id).not.toBe(page2.data[0].id);
    expect(typeof (await get('/v1/catalog/products?country_id=6')).json().data[0].price).toBe('number');
    expect((await get('/v2/catalog/products?country_id=6')).json().data[0].price.currency).toBe('USD');
    const all = (await handler('action=getPrices')).json();
    const one = (await handler('action=getPrices&service=tg')).json();
    expect(Object.keys(all).length).toBeGreaterThan(Object.keys(one).length);
  });

  it('still check the key before answering from the cache', async () => {
    expect((await get('/v1/catalog/products', { authorization: 'Bearer nope' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/stubs/handler_api.php?action=getPrices' })).body).toBe(
      'NO_KEY',
    );
  });
});

describe('compression', () => {
  const url = '/v1/catalog/products?limit=10000';

  it('negotiates br and gzip, and sends identity when neither is asked for', async () => {
    const plain = await get(url);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.rawPayload.length).toBeGreaterThan(1024);
    expect((await get(url, { 'accept-encoding': 'identity' })).headers['content-encoding']).toBeUndefined();

    const gzip = await get(url, { 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.headers.vary).toMatch(/accept-encoding/i);
    expect(gunzipSync(gzip.rawPayload).equals(plain.rawPayload)).toBe(true);
    expect(gzip.rawPayload.length).toBeLessThan(plain.rawPayload.length);

    const br = await get(url, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.rawPayload).equals(plain.rawPayload)).toBe(true);
    // Served again from the same compressed bytes.
    expect((await get(url, { 'accept-encoding': 'br' })).rawPayload.equals(br.rawPayload)).toBe(true);

    const refused = await get(url, { 'accept-encoding': 'br;q=0, gzip' });
    expect(refused.headers['content-encoding']).toBe('gzip');
  });

  it('compresses the handler API and uncached routes too, but not small answers', async () => {
    const prices = await handler('action=getPrices');
    const gzipped = await handler('action=getPrices', { 'accept-encoding': 'gzip' });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzipped.rawPayload).equals(prices.rawPayload)).toBe(true);

    const spec = await app.inject({
      method: 'GET',
      url: '/openapi.json',
      headers: { 'accept-encoding': 'br' },
    });
    expect(spec.headers['content-encoding']).toBe('br');
    expect(JSON.parse(brotliDecompressSync(spec.rawPayload).toString()).openapi).toBeDefined();

    const small = await get('/v1/catalog/products?country_id=6&platform_id=1', { 'accept-encoding': 'gzip' });
    expect(small.rawPayload.length).toBeLessThan(1024);
    expect(small.headers['content-encoding']).toBeUndefined();
    expect((await handler('action=getStatus&id=1', { 'accept-encoding': 'gzip' })).body).toBe(
      'NO_ACTIVATION',
    );
  });
});

describe('an aged catalog snapshot', () => {
  it('is served while its successor loads, and the answers follow the successor', async () => {
    const url = '/v1/catalog/products?country_id=6&platform_id=2';
    const aged = await ctx.catalogCache.get(ctx);
    await ctx.db.query(
      `UPDATE products SET available = 77 WHERE catalog_product_id IN (
         SELECT id FROM catalog_products WHERE country_id = 6 AND platform_id = 2)`,
    );
    aged.loadedAt = 0;
    expect(await ctx.catalogCache.get(ctx)).toBe(aged);
    await waitUntil(async () => ((await ctx.catalogCache.get(ctx)) !== aged ? true : undefined));
    expect((await get(url)).json().data[0].available).toBe(77);
  });
});
