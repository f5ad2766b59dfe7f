import { describe, expect, it } from 'vitest';
import { createCustomer } from './support/factories.ts';
import { bearer, createTestApp } from './support/test-app.ts';
import { createTestContext } from './support/test-database.ts';

const ctx = await createTestContext();
const app = await createTestApp(ctx);
const admin = await createCustomer(ctx, { role: 'admin' });
const customer = await createCustomer(ctx);

const call = (
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  url: string,
  payload?: unknown,
  key = admin.apiKey,
) =>
  app.inject({
    method,
    url: `/admin/api${url}`,
    headers: bearer(key),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

describe('admin API access', () => {
  it('needs a key (401) of an admin account (403)', async () => {
    expect((await app.inject({ method: 'GET', url: '/admin/api/providers' })).statusCode).toBe(401);
    const forbidden = await call('GET', '/providers', undefined, customer.apiKey);
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toMatchObject({ success: false, error: { code: 'FORBIDDEN' } });
  });
});

describe('providers', () => {
  it('are created, read and changed; the credential is sealed and never returned', async () => {
    const created = await call('POST', '/providers', {
      code: 'hero',
      kind: 'handler',
      base_url: 'https://hero.example/',
      credential: 'secret-api-key-1',
      currency: 'USD',
      settings: { dialect: 'json' },
    });
    expect(created.statusCode).toBe(200);
    expect(created.body).not.toContain('secret-api-key-1');
    expect(created.json().data).toMatchObject({
      code: 'hero',
      kind: 'handler',
      base_url: 'https://hero.example',
      has_credential: true,
      settings: { dialect: 'json' },
      sandbox: false,
      health: { circuit: 'closed', consecutive_failures: 0 },
    });
    const stored = await ctx.db.query(`SELECT credential_enc FROM providers WHERE code = 'hero'`);
    expect(stored.rows[0].credential_enc).toMatch(/^v1\./);
    expect(stored.rows[0].credential_enc).not.toContain('secret-api-key-1');

    const changed = await call('PATCH', '/providers/hero', { priority: 5, enabled: false, credential: null });
    expect(changed.json().data).toMatchObject({ priority: 5, enabled: false, has_credential: false });
    expect((await call('GET', `/providers/${created.json().data.id}`)).json().data.code).toBe('hero');
    expect((await call('GET', '/providers')).json().data.map((p: { code: string }) => p.code)).toContain(
      'hero',
    );
  });

  it('drop the credential when moved to another host without a new one', async () => {
    await call('POST', '/providers', {
      code: 'mover',
      kind: 'handler',
      base_url: 'https://a.example',
      credential: 'k-1',
    });
    const samehost = await call('PATCH', '/providers/mover', { base_url: 'https://a.example/other' });
    expect(samehost.json().data.has_credential).toBe(true);
    const moved = await call('PATCH', '/providers/mover', { base_url: 'https://b.example' });
    expect(moved.json().data.has_credential).toBe(false);
    const movedWithKey = await call('PATCH', '/providers/mover', {
      base_url: 'https://c.example',
      credential: 'k-2',
    });
    expect(movedWithKey.json().data.has_credential).toBe(true);
    expect((await call('GET', '/providers/99999999999')).statusCode).toBe(404);
  });

  it('refuse bad input with the contract errors', async () => {
    const duplicate = { code: 'dup', kind: 'fivesim', base_url: 'https://5sim.example/v1' };
    expect((await call('POST', '/providers', duplicate)).statusCode).toBe(200);
    expect((await call('POST', '/providers', duplicate)).json().error.code).toBe('CONFLICT');
    expect((await call('POST', '/providers', { ...duplicate, code: 'x', kind: 'smoke' })).statusCode).toBe(
      422,
    );
    expect(
      (await call('POST', '/providers', { ...duplicate, code: 'y', base_url: 'ftp://x' })).statusCode,
    ).toBe(422);
    expect((await call('POST', '/providers', { ...duplicate, code: 'Bad Code' })).statusCode).toBe(422);
    expect((await call('PATCH', '/providers/dup', {})).statusCode).toBe(422);
    expect((await call('GET', '/providers/nope')).statusCode).toBe(404);
  });

  it('answer a sync of an unreachable provider with a provider error, recorded on it', async () => {
    await call('POST', '/providers', {
      code: 'deadend',
      kind: 'handler',
      base_url: 'http://127.0.0.1:9',
      credential: 'k',
      timeout_ms: 500,
    });
    const sync = await call('POST', '/providers/deadend/sync');
    expect(sync.statusCode).toBe(422);
    expect(sync.json().error.code).toBe('PROVIDER_ERROR');
    expect((await call('GET', '/providers/deadend')).json().data.last_sync_error).toBeTruthy();
  });
});

describe('pricing', () => {
  it('markup rules are listed, set per scope and removed; the global rule stays', async () => {
    const rules = (await call('GET', '/markup-rules')).json().data;
    expect(rules).toContainEqual(expect.objectContaining({ scope: 'global', multiplier: '1.3000' }));
    const set = await call('PUT', '/markup-rules', {
      scope: 'country',
      country_id: 6,
      multiplier: 1.5,
      add_idr: 200,
    });
    expect(set.json().data).toMatchObject({
      scope: 'country',
      country_id: 6,
      multiplier: '1.5000',
      add_idr: 200,
    });
    const replaced = await call('PUT', '/markup-rules', { scope: 'country', country_id: 6, multiplier: 1.6 });
    expect(replaced.json().data.id).toBe(set.json().data.id);
    expect((await call('DELETE', `/markup-rules/${set.json().data.id}`)).json().data).toEqual({
      deleted: true,
    });
    const global = rules.find((r: { scope: string }) => r.scope === 'global');
    expect((await call('DELETE', `/markup-rules/${global.id}`)).statusCode).toBe(404);
    expect((await call('PUT', '/markup-rules', { scope: 'global', multiplier: 0.5 })).statusCode).toBe(422);
  });

  it('exchange rates are listed and set by operators', async () => {
    const set = await call('PUT', '/fx-rates/USD', { idr_per_unit: 16_250 });
    expect(set.json().data).toMatchObject({ currency: 'USD', idr_per_unit: '16250.000000', source: 'admin' });
    expect((await call('GET', '/fx-rates')).json().data.map((r: { currency: string }) => r.currency)).toEqual(
      ['IDR', 'RUB', 'USD'],
    );
    expect((await call('PUT', '/fx-rates/IDR', { idr_per_unit: 2 })).statusCode).toBe(422);
    expect((await call('PUT', '/fx-rates/USD', { idr_per_unit: -1 })).statusCode).toBe(422);
    expect((await call('PUT', '/fx-rates/USD', { idr_per_unit: 0.4 })).statusCode).toBe(422);
    expect(
      (await call('PUT', '/markup-rules', { scope: 'global', multiplier: 1.2, add_idr: 2 ** 52 })).statusCode,
    ).toBe(422);
    expect(
      (await call('PUT', '/markup-rules', { scope: 'country', country_id: 99_999_999_999, multiplier: 1.2 }))
        .statusCode,
    ).toBe(422);
  });
});

describe('metrics', () => {
  it('are served in the Prometheus text format to admins only', async () => {
    const response = await call('GET', '/metrics');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.body).toContain('numpool_provider_request_seconds');
    expect((await call('GET', '/metrics', undefined, customer.apiKey)).statusCode).toBe(403);
  });
});
