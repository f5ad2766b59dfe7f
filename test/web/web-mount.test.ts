/**
 * How the web app sits in the HTTP server: without a build the API boots alone; with one, pages and
 * their assets are served, and the API's prefixes keep their own answers.
 */
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { en } from '../../web/src/i18n/messages/en.ts';
import { ru } from '../../web/src/i18n/messages/ru.ts';
import { rawGet } from '../support/raw-get.ts';
import { createTestApp } from '../support/test-app.ts';
import { createTestContext } from '../support/test-database.ts';

// One app per context (its metrics register once).
const app = await createTestApp(await createTestContext());

describe('the web mount', () => {
  it('boots the API without a web build and serves no pages', async () => {
    const bare = await buildApp(await createTestContext(), { webDist: '/nonexistent/web/dist' });
    try {
      expect((await bare.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      const page = await bare.inject({ method: 'GET', url: '/' });
      expect(page.statusCode).toBe(404);
      expect(page.json()).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
    } finally {
      await bare.close();
    }
  });

  it('compresses pages as the browser asks (br, then gzip), and sends them plain to one that asks for neither', async () => {
    const plain = await app.inject({ method: 'GET', url: '/' });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    for (const [accept, encoding, decode] of [
      ['br, gzip', 'br', brotliDecompressSync],
      ['gzip', 'gzip', gunzipSync],
    ] as const) {
      const page = await app.inject({ method: 'GET', url: '/', headers: { 'accept-encoding': accept } });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-encoding']).toBe(encoding);
      expect(page.headers.vary).toContain('Accept-Encoding');
      expect(page.rawPayload.length).toBeLessThan(plain.rawPayload.length / 2);
      // It decodes to the whole page.
      expect(decode(page.rawPayload).toString('utf8')).toContain('</html>');
    }
  });

  it('serves pages with the request id and security headers, and remembers ?lang= in a cookie', async () => {
    const page = await app.inject({ method: 'GET', url: '/guides/handler-api?lang=ru' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers.vary).toContain('Accept-Language');
    expect(page.body).toContain(ru['guide.title']);
    expect(String(page.headers['set-cookie'])).toMatch(/lang=ru/);

    const again = await app.inject({ method: 'GET', url: '/guides/handler-api', cookies: { lang: 'ru' } });
    expect(again.body).toContain(ru['guide.title']);
    const english = await app.inject({ method: 'GET', url: '/guides/handler-api' });
    expect(english.body).toContain(en['guide.title']);
  });

  it('serves hashed assets as immutable and leaves API paths to the API', async () => {
    const html = (await app.inject({ method: 'GET', url: '/guides/handler-api' })).body;
    const stylesheet = /href="(\/_astro\/[^"]+\.css)"/.exec(html)?.[1];
    expect(stylesheet).toBeDefined();
    const css = await app.inject({ method: 'GET', url: stylesheet! });
    expect(css.statusCode).toBe(200);
    expect(css.headers['cache-control']).toContain('immutable');
    for (const url of ['/v1/nowhere', '/api/nowhere', '/admin/api/nowhere', '/stubs/nowhere']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toMatch(/json/);
    }
  });

  it('answers a dot-segment path by where it leads: as sent, the API; resolved, the page', async () => {
    const dotted = '/admin/api/accounts/../../etc/passwd';
    // inject resolves `..` like browsers do: /admin/etc/passwd is a page path, and there is no such page.
    const resolved = await app.inject({ method: 'GET', url: dotted });
    expect(resolved.statusCode).toBe(404);
    expect(resolved.headers['content-type']).toMatch(/^text\/html/);

    // A raw client sends the path as it is: it still lies under /admin/api, whose 404 is JSON.
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const raw = await rawGet(port, dotted);
    expect(raw.status).toBe(404);
    expect(raw.type).toMatch(/^application\/json/);
    expect(JSON.parse(raw.body)).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
  });
});
