/**
 * Behind a reverse proxy the client is whoever the proxy says it forwarded for — but only a proxy named in
 * NUMPOOL_TRUST_PROXY is believed. Anyone else's X-Forwarded-For is ignored, so a client cannot name an
 * address to get past a key's allowlist, the per-address limits or the login throttle.
 */
import { describe, expect, it } from 'vitest';
import { issueApiKey } from '../src/accounts/issue-api-key.ts';
import { createCustomer } from './support/factories.ts';
import { bearer, createTestApp } from './support/test-app.ts';
import { createTestContext } from './support/test-database.ts';

const behindProxy = await createTestContext({ NUMPOOL_TRUST_PROXY: '10.0.0.0/8, ::1' });
const proxied = await createTestApp(behindProxy);
const directly = await createTestContext();
const direct = await createTestApp(directly);

async function officeKey(ctx: typeof behindProxy) {
  const owner = await createCustomer(ctx);
  const { key } = await issueApiKey({
    ctx,
    input: { accountId: owner.account.id, name: 'office', ipAllowlist: ['203.0.113.0/24'] },
  });
  return key;
}

const balance = (app: typeof proxied, key: string, remoteAddress: string, forwardedFor?: string) =>
  app.inject({
    method: 'GET',
    url: '/v1/balance',
    remoteAddress,
    headers: { ...bearer(key), ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
  });

describe('NUMPOOL_TRUST_PROXY', () => {
  it('takes the client from X-Forwarded-For when a listed proxy sends it', async () => {
    const key = await officeKey(behindProxy);
    expect((await balance(proxied, key, '10.1.2.3', '203.0.113.7')).statusCode).toBe(200);
    expect((await balance(proxied, key, '::1', '203.0.113.7')).statusCode).toBe(200);
    // The proxy itself is not the client: without the header, it is refused like any outside address.
    expect((await balance(proxied, key, '10.1.2.3')).statusCode).toBe(403);
    // Only the hops through listed proxies count: a client's own made-up entry before them is not believed.
    expect((await balance(proxied, key, '10.1.2.3', '203.0.113.7, 198.51.100.4')).statusCode).toBe(403);
  });

  it('ignores X-Forwarded-For from an address that is not a listed proxy', async () => {
    const key = await officeKey(behindProxy);
    expect((await balance(proxied, key, '198.51.100.4', '203.0.113.7')).statusCode).toBe(403);
  });

  it('is off by default: no X-Forwarded-For is believed', async () => {
    const key = await officeKey(directly);
    expect((await balance(direct, key, '127.0.0.1', '203.0.113.7')).statusCode).toBe(403);
    expect((await balance(direct, key, '203.0.113.7', '198.51.100.4')).statusCode).toBe(200);
  });
});
