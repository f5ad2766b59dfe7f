/**
 * A page whose verb fails: a dependency outage (PostgreSQL unreachable, made real by a refusing proxy in
 * front of the test database) answers 503 with Retry-After and a page in the site's language, and the
 * site serves again once the database is back; any other failure is a styled 500 naming the request id,
 * never a stack trace.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSandboxProviders } from '../../src/sandbox/start-sandbox-providers.ts';
import { en } from '../../web/src/i18n/messages/en.ts';
import { ru } from '../../web/src/i18n/messages/ru.ts';
import { proxiedDatabase } from '../support/proxied-database.ts';
import { createTestApp } from '../support/test-app.ts';
import { cleanupAfterFile, createTestContext } from '../support/test-database.ts';

const { proxy, ctx, direct } = await proxiedDatabase();
const supply = await startSandboxProviders({
  ctx: direct,
  input: { port: 0, seed: 1, smsDelayMs: 60_000, noSmsRate: 0 },
});
cleanupAfterFile(() => supply.simulator.close());
const app = await createTestApp(ctx);

afterEach(() => proxy.restore());

const rendersPrices = (html: string) => {
  expect(html).toContain(en['explorer.caption']);
  expect(html).not.toContain(en['explorer.empty']);
};

describe('a page while PostgreSQL is unreachable', () => {
  it('answers 503 with Retry-After and the outage page, in English and in Russian, then recovers', async () => {
    const before = await app.inject({ method: 'GET', url: '/' });
    expect(before.statusCode).toBe(200);
    rendersPrices(before.body);

    await proxy.refuse();
    const english = await app.inject({ method: 'GET', url: '/' });
    expect(english.statusCode).toBe(503);
    expect(english.headers['retry-after']).toBe('2');
    expect(english.headers['content-type']).toMatch(/^text\/html/);
    expect(english.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(english.body).toContain('<html lang="en">');
    expect(english.body).toContain(en['unavailable.title']);
    expect(english.body).toContain(en['unavailable.text']);
    // In the site's layout: its header and footer are there.
    expect(english.body).toContain(en['footer.text']);

    const russian = await app.inject({ method: 'GET', url: '/?lang=ru' });
    expect(russian.statusCode).toBe(503);
    expect(russian.headers['retry-after']).toBe('2');
    expect(russian.body).toContain('<html lang="ru">');
    expect(russian.body).toContain(ru['unavailable.title']);
    expect(russian.body).toContain(ru['unavailable.text']);
    expect(String(russian.headers['set-cookie'])).toMatch(/lang=ru/);

    await proxy.restore();
    const after = await app.inject({ method: 'GET', url: '/' });
    expect(after.statusCode).toBe(200);
    expect(after.headers['retry-after']).toBeUndefined();
    rendersPrices(after.body);
  });
});

describe('a page whose verb fails for another reason', () => {
  it('answers a styled 500 naming the request id, without a stack trace', async () => {
    // A database whose countries table is gone: the price explorer's read fails with an SQL error.
    const broken = await createTestContext();
    const brokenApp = await createTestApp(broken);
    await broken.db.query('ALTER TABLE countries RENAME TO countries_gone');

    const page = await brokenApp.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(500);
    expect(page.headers['retry-after']).toBeUndefined();
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const requestId = page.headers['x-request-id'];
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(page.body).toContain(en['fault.title']);
    expect(page.body).toContain(en['fault.requestId'].replace('{id}', String(requestId)));
    expect(page.body).toContain(en['footer.text']);
    expect(page.body).not.toMatch(/countries|at \S+ \(|\.ts:\d+|\.mjs:\d+/);
  });
});
