import { describe, expect, it } from 'vitest';
import { setFxRate } from '../src/pricing/fx-rates.ts';
import { updateProvider } from '../src/providers/save-provider.ts';
import { createCustomer } from './support/factories.ts';
import { addProvider, offer, stock } from './support/pool-fixtures.ts';
import { createTestApp, sdkHeaders } from './support/test-app.ts';
import { createTestContext } from './support/test-database.ts';

const ctx = await createTestContext();
const app = await createTestApp(ctx);
const { apiKey } = await createCustomer(ctx);
const get = async (url: string) => app.inject({ method: 'GET', url, headers: sdkHeaders(apiKey) });

const alpha = await addProvider(ctx, { code: 'alpha' });
const beta = await addProvider(ctx, { code: 'beta' });
await stock(ctx, alpha, [offer(6, 1, '0.10', 40), offer(6, 2, '0.30', 5), offer(0, 1, '0.20', 9)]);
await stock(ctx, beta, [offer(6, 1, '0.12', 3), offer(6, 1, '0.15', 8, 'telkomsel'), offer(6, 3, '0.05', 0)]);

const V1_KEYS = [
  'active',
  'available',
  'catalog_product_id',
  'country_id',
  'id',
  'name',
  'operator_id',
  'operator_name',
  'platform_id',
  'price',
];

describe('GET /v1/catalog/products', () => {
  it('lists in-stock tiers of every provider with pagination meta', async () => {
    const response = await get('/v1/catalog/products?country_id=6&platform_id=1');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(Object.keys(body).sort()).toEqual(['data', 'meta', 'success']);
    expect(body.meta).toEqual({ page: 1, limit: 1000, count: 3 });
    expect(body.data.map((p: { price: number }) => p.price)).toEqual([2080, 2496, 3120]);
    for (const product of body.data) {
      expect(Object.keys(product).sort()).toEqual(V1_KEYS);
      expect(product).toMatchObject({
        active: true,
        country_id: 6,
        platform_id: 1,
        name: 'Whatsapp - Indonesia',
      });
    }
    expect(
      body.data.find((p: { operator_name: string | null }) => p.operator_name === 'telkomsel'),
    ).toBeTruthy();
  });

  it('pages, clamps limits, sorts and ignores unknown sorts', async () => {
    const page2 = (await get('/v1/catalog/products?country_id=6&limit=1&page=2&sort=price_desc')).json();
    expect(page2.meta).toEqual({ page: 2, limit: 1, count: 1 });
    expect(page2.data[0].price).toBe(3120); // 6240, 3120, 2496, 2080
    expect((await get('/v1/catalog/products?limit=0')).json().meta.limit).toBe(1);
    expect((await get('/v1/catalog/products?limit=999999')).json().meta.limit).toBe(10000);
    const unknown = (await get('/v1/catalog/products?country_id=6&sort=bogus')).json();
    const ascending = (await get('/v1/catalog/products?country_id=6&sort=price_asc')).json();
    expect(unknown.data).toEqual(ascending.data);
    const byStock = (await get('/v1/catalog/products?sort=available_desc'))
      .json()
      .data.map((p: { available: number }) => p.available);
    expect(byStock).toEqual([...byStock].sort((a: number, b: number) => b - a));
  });

  it('never lists sold-out tiers or disabled providers, and sees a sync at once', async () => {
    expect((await get('/v1/catalog/products?country_id=6&platform_id=3')).json().data).toEqual([]);
    await updateProvider({ ctx, input: { ref: beta.id, changes: { enabled: false } } });
    expect((await get('/v1/catalog/products?country_id=6&platform_id=1')).json().meta.count).toBe(1);
    await updateProvider({ ctx, input: { ref: beta.id, changes: { enabled: true } } });
    expect((await get('/v1/catalog/products?country_id=6&platform_id=1')).json().meta.count).toBe(3);
  });

  it('refuses malformed filters with 422', async () => {
    for (const query of ['country_id=x', 'platform_id=-2', 'page=abc', 'limit=1.5']) {
      const response = await get(`/v1/catalog/products?${query}`);
      expect(response.statusCode).toBe(422);
      expect(response.json().error.code).toBe('VALIDATION_ERROR');
    }
  });
});

describe('GET /v2/catalog/products', () => {
  it('prices in USD money at 4 decimals with one FX receipt in meta', async () => {
    const body = (await get('/v2/catalog/products?country_id=6&platform_id=1')).json();
    expect(Object.keys(body.meta).sort()).toEqual(['count', 'fx', 'limit', 'page']);
    expect(body.meta.fx).toMatchObject({ pair: 'USD/IDR', rate: 16000 });
    expect(body.meta.fx.rate_as_of).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(body.data[0].price).toEqual({
      amount: '0.1300',
      currency: 'USD',
      canonical_amount: 2080,
      canonical_currency: 'IDR',
    });
  });

  it('uses the operator-set rate', async () => {
    await setFxRate({ ctx, input: { currency: 'USD', idrPerUnit: 15_000 } });
    const body = (await get('/v2/catalog/products?country_id=6&platform_id=1')).json();
    expect(body.meta.fx.rate).toBe(15000);
    expect(body.data[0].price.amount).toBe('0.1387');
    await setFxRate({ ctx, input: { currency: 'USD', idrPerUnit: 16_000 } });
  });
});

describe('GET /v1|v2/catalog/operators', () => {
  it('lists operators with stock, "any" first when operator-agnostic tiers have stock', async () => {
    const v1 = await get('/v1/catalog/operators?country_id=6&platform_id=1');
    expect(v1.statusCode).toBe(200);
    expect(v1.json().data).toEqual([
      { operator_id: null, code: 'any', name: null, local_name: null },
      { operator_id: expect.any(Number), code: 'telkomsel', name: 'telkomsel', local_name: null },
    ]);
    expect((await get('/v2/catalog/operators?country_id=6&platform_id=1')).body).toBe(v1.body);
    expect((await get('/v1/catalog/operators?country_id=6&platform_id=3')).json().data).toEqual([]);
  });

  it('requires both country_id and platform_id', async () => {
    for (const query of ['country_id=6', 'platform_id=1', '']) {
      expect((await get(`/v1/catalog/operators?${query}`)).statusCode).toBe(422);
    }
  });
});

describe('GET /v1|v2/catalog/exchange-rate', () => {
  it('v1 answers a pair, USD/IDR by default, 404 for unknown pairs', async () => {
    expect((await get('/v1/catalog/exchange-rate')).json()).toEqual({
      success: true,
      data: { pair: 'USD/IDR', base_currency: 'USD', quote_currency: 'IDR', rate: 16000 },
    });
    expect((await get('/v1/catalog/exchange-rate?pair=rub/idr')).json().data).toMatchObject({
      pair: 'RUB/IDR',
      rate: 180,
    });
    for (const pair of ['EUR/IDR', 'IDR/USD', 'garbage', 'a-very-long-pair-name-that-is-unknown']) {
      const response = await get(`/v1/catalog/exchange-rate?pair=${encodeURIComponent(pair)}`);
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('NOT_FOUND');
    }
  });

  it('v2 answers the bare FX receipt and ignores pair', async () => {
    const body = (await get('/v2/catalog/exchange-rate?pair=EUR/IDR')).json();
    expect(Object.keys(body)).toEqual(['success', 'data']);
    expect(Object.keys(body.data).sort()).toEqual(['pair', 'rate', 'rate_as_of']);
    expect(body.data).toMatchObject({ pair: 'USD/IDR', rate: 16000 });
  });
});

describe('GET /v1/catalog/services?country_id over the pool', () => {
  it('lists services in stock in that country', async () => {
    const codes = (await get('/v1/catalog/services?country_id=6'))
      .json()
      .data.map((s: { code: string }) => s.code);
    expect(codes).toEqual(['whatsapp', 'telegram']);
  });
});
