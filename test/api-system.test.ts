import { describe, expect, it } from 'vitest';
import { createCustomer } from './support/factories.ts';
import { createTestApp, sdkHeaders } from './support/test-app.ts';
import { createTestContext } from './support/test-database.ts';

const ctx = await createTestContext();
const app = await createTestApp(ctx);
const { apiKey } = await createCustomer(ctx);

describe('health', () => {
  it('GET /healthz says the process is up', async () => {
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz says the database answers and is migrated', async () => {
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ ready: true, database: true });
  });
});

describe('documentation', () => {
  it('GET /openapi.json describes the catalog operations with bearer auth', async () => {
    const response = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    const doc = response.json();
    expect(doc.openapi).toBe('3.1.0');
    for (const path of ['/v1/catalog/countries', '/v2/catalog/countries', '/v1/catalog/services']) {
      expect(doc.paths[path].get.security).toEqual([{ bearerAuth: [] }]);
    }
    expect(doc.paths['/v1/catalog/services'].get.parameters).toContainEqual(
      expect.objectContaining({ name: 'country_id', in: 'query' }),
    );
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('GET /docs serves the interactive documentation', async () => {
    const response = await app.inject({ method: 'GET', url: '/docs/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
  });
});

describe('request handling', () => {
  it('answers a body over 1 MB with a bare 413', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/catalog/countries',
      headers: sdkHeaders(apiKey),
      payload: JSON.stringify({ filler: 'x'.repeat(1024 * 1024) }),
    });
    expect(response.statusCode).toBe(413);
    expect(response.body).not.toContain('"success"');
    expect(response.headers['x-request-id']).toBeTruthy();
  });

  it('answers unknown routes with the NOT_FOUND envelope', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/nowhere', headers: sdkHeaders(apiKey) });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      success: false,
      error: { code: 'NOT_FOUND', message: 'no route GET /v1/nowhere' },
    });
  });

  it('answers malformed JSON with 422 VALIDATION_ERROR, not 500', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/nowhere',
      headers: sdkHeaders(apiKey),
      payload: '{"broken":',
    });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR' } });
  });

  it('accepts the JSON content type on GETs without a body', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/v2/catalog/countries',
      headers: sdkHeaders(apiKey),
    });
    expect(response.statusCode).toBe(200);
  });
});
