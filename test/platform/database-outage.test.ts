/**
 * PostgreSQL going away while numpool serves: every surface answers 503 SERVICE_UNAVAILABLE with a
 * Retry-After in its own format (never a 500, never a hang past the connect timeout), and the pool
 * reconnects by itself once the database is back. The outage is real: a loopback proxy in front of the
 * test database refuses, cuts or black-holes connections.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createCustomer } from '../support/factories.ts';
import { proxiedDatabase } from '../support/proxied-database.ts';
import { bearer, createTestApp } from '../support/test-app.ts';
import { waitUntil } from '../support/wait.ts';

// Only the request pool goes through the proxy: this file tests requests alone.
const { proxy, ctx } = await proxiedDatabase();
const app = await createTestApp(ctx);
const { apiKey } = await createCustomer(ctx, { balance: 5_000 });

afterEach(() => proxy.restore());

const surfaces = [
  { name: '/v2', url: '/v2/balance', headers: bearer(apiKey) },
  { name: '/v1', url: '/v1/balance', headers: bearer(apiKey) },
  { name: '/api', url: '/api/ledger', headers: bearer(apiKey) },
  {
    name: 'handler',
    url: `/stubs/handler_api.php?api_key=${apiKey}&action=getBalance`,
    headers: {},
  },
] as const;

describe.each(['refused', 'black-holed'] as const)('a database that is %s', (fault) => {
  it.each(surfaces)('answers $name with 503 and Retry-After, then recovers', async (surface) => {
    const before = await app.inject({ method: 'GET', url: surface.url, headers: surface.headers });
    expect(before.statusCode).toBe(200);

    // Either way the pool's open connections are cut too, as when the server goes down.
    if (fault === 'black-holed') await proxy.blackhole();
    else await proxy.refuse();
    const during = await app.inject({ method: 'GET', url: surface.url, headers: surface.headers });
    expect(during.statusCode).toBe(503);
    expect(Number(during.headers['retry-after'])).toBeGreaterThan(0);
    // The handler protocol's passing server-side failure, which bots retry.
    if (surface.name === 'handler') expect(during.body).toBe('ERROR_SQL');
    else expect(during.json()).toMatchObject({ success: false, error: { code: 'SERVICE_UNAVAILABLE' } });

    await proxy.restore();
    const after = await app.inject({ method: 'GET', url: surface.url, headers: surface.headers });
    expect(after.statusCode).toBe(200);
  });
});

describe('a database that restarts', () => {
  it.each(surfaces)('costs $name at most a 503 per dead connection, then serves again', async (surface) => {
    const statuses: number[] = [];
    const get = async () => {
      const response = await app.inject({ method: 'GET', url: surface.url, headers: surface.headers });
      statuses.push(response.statusCode);
      return response.statusCode;
    };
    expect(await get()).toBe(200);
    proxy.cut();
    await waitUntil(async () => ((await get()) === 200 ? true : undefined));
    expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    expect(statuses.at(-1)).toBe(200);
  });
});

describe('during an outage', () => {
  it('a key not yet seen by this node is unavailable, not unauthorized', async () => {
    const fresh = await createCustomer(ctx, { balance: 1_000 });
    await proxy.refuse();
    const v2 = await app.inject({ method: 'GET', url: '/v2/balance', headers: bearer(fresh.apiKey) });
    expect(v2.statusCode).toBe(503);
    const handler = await app.inject({
      method: 'GET',
      url: `/stubs/handler_api.php?api_key=${fresh.apiKey}&action=getBalance`,
    });
    expect([handler.statusCode, handler.body]).toEqual([503, 'ERROR_SQL']);
  });
});
