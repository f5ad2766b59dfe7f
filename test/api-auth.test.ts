import { describe, expect, it } from 'vitest';
import { createCustomer } from './support/factories.ts';
import { createTestApp } from './support/test-app.ts';
import { createTestContext } from './support/test-database.ts';

const ctx = await createTestContext();
const app = await createTestApp(ctx);

const URL = '/v1/catalog/countries';

async function expectUnauthorized(headers: Record<string, string>) {
  const response = await app.inject({ method: 'GET', url: URL, headers });
  expect(response.statusCode).toBe(401);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const body = response.json();
  expect(Object.keys(body)).toEqual(['success', 'error']);
  expect(body.success).toBe(false);
  expect(body.error.code).toBe('UNAUTHORIZED');
  expect(typeof body.error.message).toBe('string');
  expect(response.headers['x-request-id']).toBeTruthy();
}

describe('API key authentication', () => {
  it('accepts a valid key, in any hex case', async () => {
    const { apiKey } = await createCustomer(ctx);
    for (const key of [apiKey, apiKey.toUpperCase()]) {
      const response = await app.inject({
        method: 'GET',
        url: URL,
        headers: { authorization: `Bearer ${key}` },
      });
      expect(response.statusCode).toBe(200);
    }
  });

  it('answers a request without a key with 401, before validating anything else', async () => {
    await expectUnauthorized({});
    const response = await app.inject({ method: 'GET', url: '/v2/catalog/services?country_id=abc' });
    expect(response.statusCode).toBe(401);
  });

  it.each([
    ['empty', ''],
    ['scheme only', 'Bearer'],
    ['scheme and spaces', 'Bearer    '],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['token without scheme', '0123456789abcdef0123456789abcdef'],
    ['too short', 'Bearer 0123456789abcdef'],
    ['too long', `Bearer ${'a'.repeat(33)}`],
    ['not hex', `Bearer ${'z'.repeat(32)}`],
    ['two tokens', 'Bearer 0123456789abcdef0123456789abcdef extra'],
    ['huge', `Bearer ${'f'.repeat(8000)}`],
    ['control characters', 'Bearer \u0001\u0002'],
    ['sql', "Bearer ' OR 1=1 --"],
  ])('answers a malformed header (%s) with 401, never 500', async (_name, header) => {
    await expectUnauthorized({ authorization: header });
  });

  it('refuses a well-formed key that was never issued', async () => {
    await expectUnauthorized({ authorization: 'Bearer 0123456789abcdef0123456789abcdef' });
  });

  it('refuses a revoked key and a disabled account', async () => {
    const revoked = await createCustomer(ctx);
    await ctx.db.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [revoked.apiKeyId]);
    await expectUnauthorized({ authorization: `Bearer ${revoked.apiKey}` });

    const disabled = await createCustomer(ctx);
    await ctx.db.query('UPDATE accounts SET disabled_at = now() WHERE id = $1', [disabled.account.id]);
    await expectUnauthorized({ authorization: `Bearer ${disabled.apiKey}` });
  });

  it('stores only the SHA-256 of a key', async () => {
    const { apiKey, apiKeyId } = await createCustomer(ctx);
    const row = await ctx.db.query('SELECT * FROM api_keys WHERE id = $1', [apiKeyId]);
    expect(JSON.stringify(row.rows[0])).not.toContain(apiKey);
    expect(row.rows[0].key_hash).toHaveLength(32);
  });
});

describe('X-Request-Id', () => {
  it('is on every response, unique, and never taken from the client', async () => {
    const { apiKey } = await createCustomer(ctx);
    const responses = await Promise.all([
      app.inject({ method: 'GET', url: '/healthz' }),
      app.inject({ method: 'GET', url: URL, headers: { authorization: `Bearer ${apiKey}` } }),
      app.inject({ method: 'GET', url: URL }),
      app.inject({ method: 'GET', url: '/v1/nowhere', headers: { authorization: `Bearer ${apiKey}` } }),
      app.inject({ method: 'GET', url: '/nowhere', headers: { 'x-request-id': 'chosen-by-client' } }),
    ]);
    const ids = responses.map((r) => r.headers['x-request-id']);
    expect(ids.every((id) => typeof id === 'string' && id.length >= 16)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).not.toContain('chosen-by-client');
  });
});
