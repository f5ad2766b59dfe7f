/**
 * Security headers on every kind of answer: success, refusal, not found, the handler API's plain text,
 * health probes and the API docs (which still load under the content policy).
 */
import { describe, expect, it } from 'vitest';
import { createCustomer } from './support/factories.ts';
import { bearer, createTestApp } from './support/test-app.ts';
import { createTestContext } from './support/test-database.ts';

const ctx = await createTestContext();
const app = await createTestApp(ctx);
const { apiKey } = await createCustomer(ctx);

function expectSecurityHeaders(headers: Record<string, unknown>) {
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['x-frame-options']).toBe('SAMEORIGIN');
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  expect(headers['cross-origin-opener-policy']).toBe('same-origin');
  const csp = String(headers['content-security-policy']);
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("object-src 'none'");
  expect(headers['x-powered-by']).toBeUndefined();
}

describe('security headers', () => {
  it.each([
    ['a success', '/v1/balance', true, 200],
    ['a refused key', '/v1/balance', false, 401],
    ['an unknown route', '/v1/nowhere', true, 404],
    ['an invalid parameter', '/v1/orders/abc', true, 422],
    ['the handler API', `/stubs/handler_api.php?action=getBalance&api_key=${apiKey}`, false, 200],
    ['a health probe', '/healthz', false, 200],
  ])('are sent on %s', async (_what, url, withKey, status) => {
    const response = await app.inject({ method: 'GET', url, headers: withKey ? bearer(apiKey) : {} });
    expect(response.statusCode).toBe(status);
    expectSecurityHeaders(response.headers);
  });

  it('leave the API docs working: the page and its own assets load', async () => {
    const page = await app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expectSecurityHeaders(page.headers);
    // Every script the page loads is its own (script-src 'self'), none inline.
    const scripts = [...page.body.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, inline] of scripts) {
      expect(attributes).toMatch(/src="\.?\/?[^":]+"/);
      expect(inline!.trim()).toBe('');
    }
    const initializer = await app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
    expect(initializer.statusCode).toBe(200);
  });
});
