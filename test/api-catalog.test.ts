import { describe, expect, it } from 'vitest';
import { createCustomer } from './support/factories.ts';
import { createTestApp, sdkHeaders } from './support/test-app.ts';
import { createTestContext } from './support/test-database.ts';

const ctx = await createTestContext();
const app = await createTestApp(ctx);
const { apiKey } = await createCustomer(ctx);

async function get(url: string, key = apiKey) {
  return app.inject({ method: 'GET', url, headers: sdkHeaders(key) });
}

/** Puts an in-stock (or not) offer for country × platform on the shelf of a provider. */
async function offer(
  countryId: number,
  platformId: number,
  options: { available: number; enabled?: boolean },
) {
  const provider = await ctx.db.query<{ id: number }>(
    `INSERT INTO providers (code, kind, name, enabled) VALUES ($1, 'handler', 'Test', $2) RETURNING id`,
    [`p${Math.random().toString(36).slice(2, 10)}`, options.enabled ?? true],
  );
  const catalogProduct = await ctx.db.query<{ id: number }>(
    `INSERT INTO catalog_products (country_id, platform_id) VALUES ($1, $2)
     ON CONFLICT (country_id, platform_id) DO UPDATE SET active = true RETURNING id`,
    [countryId, platformId],
  );
  await ctx.db.query(
    `INSERT INTO products (provider_id, catalog_product_id, price, available) VALUES ($1, $2, 5000, $3)`,
    [provider.rows[0]!.id, catalogProduct.rows[0]!.id, options.available],
  );
}

describe('GET /v1|v2/catalog/countries', () => {
  it('lists at least 200 countries in closed shapes, identical on both versions', async () => {
    const v1 = await get('/v1/catalog/countries');
    const v2 = await get('/v2/catalog/countries');
    expect(v1.statusCode).toBe(200);
    expect(v2.body).toBe(v1.body);
    const body = v1.json();
    expect(Object.keys(body)).toEqual(['success', 'data']);
    expect(body.success).toBe(true);
    expect(body.data.length).toBeGreaterThanOrEqual(200);
    for (const country of body.data) {
      expect(Object.keys(country).sort()).toEqual(['active', 'code', 'dial_code', 'emoji', 'id', 'name']);
      expect(Number.isInteger(country.id)).toBe(true);
      expect(country.dial_code).toMatch(/^\d{1,4}$/);
    }
    expect(body.data.find((c: { id: number }) => c.id === 6)).toEqual({
      id: 6,
      name: 'Indonesia',
      active: true,
      code: 'id',
      dial_code: '62',
      emoji: '🇮🇩',
    });
  });
});

describe('GET /v1|v2/catalog/services', () => {
  it('lists at least 700 services in closed shapes, identical on both versions', async () => {
    const v1 = await get('/v1/catalog/services');
    const v2 = await get('/v2/catalog/services');
    expect(v1.statusCode).toBe(200);
    expect(v2.body).toBe(v1.body);
    const { data } = v1.json();
    expect(data.length).toBeGreaterThanOrEqual(700);
    for (const service of data) {
      expect(Object.keys(service).sort()).toEqual(['active', 'code', 'id', 'name']);
    }
    expect(data.slice(0, 2)).toEqual([
      { id: 1, code: 'whatsapp', name: 'Whatsapp', active: true },
      { id: 2, code: 'telegram', name: 'Telegram', active: true },
    ]);
    expect(new Set(data.map((s: { code: string }) => s.code)).size).toBe(data.length);
  });

  it('with country_id lists only services in stock there from an enabled provider', async () => {
    await offer(7, 1, { available: 12 }); // Malaysia × WhatsApp: in stock
    await offer(7, 2, { available: 0 }); // Malaysia × Telegram: sold out
    await offer(7, 3, { available: 5, enabled: false }); // Malaysia × Google: provider disabled
    await offer(8, 4, { available: 9 }); // Kenya × Facebook: another country
    const response = await get('/v2/catalog/services?country_id=7');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      success: true,
      data: [{ id: 1, code: 'whatsapp', name: 'Whatsapp', active: true }],
    });
    expect((await get('/v1/catalog/services?country_id=7')).body).toBe(response.body);
  });

  it('answers an unknown country with an empty list', async () => {
    expect((await get('/v1/catalog/services?country_id=99999')).json()).toEqual({ success: true, data: [] });
  });

  it.each(['abc', '-1', '1.5', '99999999999'])(
    'refuses country_id=%s with 422 VALIDATION_ERROR',
    async (value) => {
      const response = await get(`/v1/catalog/services?country_id=${value}`);
      expect(response.statusCode).toBe(422);
      expect(response.json()).toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR' } });
      expect(Object.keys(response.json().error).sort()).toEqual(['code', 'message']);
    },
  );
});
