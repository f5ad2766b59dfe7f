/**
 * A key with an address allowlist works only from inside it (IPv4 and IPv6 ranges, IPv4 clients seen as
 * IPv4-mapped IPv6 too). Outside, /v1, /v2 and /api answer 403 with a message that names neither the list
 * nor the account, and the handler API answers exactly as it does to a wrong key. A changed list holds from
 * the next request on, cache or not.
 */
import { describe, expect, it } from 'vitest';
import { issueApiKey } from '../../src/accounts/issue-api-key.ts';
import { createCustomer } from '../support/factories.ts';
import { signIn } from '../support/sign-in.ts';
import { bearer, createTestApp } from '../support/test-app.ts';
import { createTestContext } from '../support/test-database.ts';
import { waitUntil } from '../support/wait.ts';

const ctx = await createTestContext();
const app = await createTestApp(ctx);
const owner = await createCustomer(ctx);
const { key } = await issueApiKey({
  ctx,
  input: { accountId: owner.account.id, name: 'office', ipAllowlist: ['203.0.113.0/24', '2001:db8::/32'] },
});

const balanceFrom = (remoteAddress: string, apiKey = key, url = '/v1/balance') =>
  app.inject({ method: 'GET', url, headers: bearer(apiKey), remoteAddress });
const handlerFrom = (remoteAddress: string, apiKey: string) =>
  app.inject({
    method: 'GET',
    url: `/stubs/handler_api.php?api_key=${apiKey}&action=getBalance`,
    remoteAddress,
  });

describe('an address allowlist', () => {
  it.each(['203.0.113.1', '203.0.113.254', '::ffff:203.0.113.9', '2001:db8::1', '2001:db8:ffff::42'])(
    'lets the key in from %s',
    async (address) => {
      expect((await balanceFrom(address)).statusCode).toBe(200);
      expect((await balanceFrom(address, key, '/v2/balance')).statusCode).toBe(200);
      expect((await handlerFrom(address, key)).body).toMatch(/^ACCESS_BALANCE:/);
    },
  );

  it.each(['203.0.114.1', '198.51.100.7', '127.0.0.1', '::1', '2001:db9::1', '::ffff:198.51.100.7'])(
    'refuses the key from %s, revealing nothing about it',
    async (address) => {
      for (const url of ['/v1/balance', '/v2/orders', '/api/webhook-deliveries']) {
        const refused = await balanceFrom(address, key, url);
        expect(refused.statusCode).toBe(403);
        expect(refused.json()).toEqual({
          success: false,
          error: { code: 'FORBIDDEN', message: 'this API key may not be used from this address' },
        });
      }
      // The handler API answers an outside key exactly like a key that does not exist.
      const outside = await handlerFrom(address, key);
      const unknown = await handlerFrom(address, '0123456789abcdef0123456789abcdef');
      expect(outside.statusCode).toBe(unknown.statusCode);
      expect(outside.body).toBe('BAD_KEY');
      expect(outside.body).toBe(unknown.body);
    },
  );

  it('does not record a refused use', async () => {
    const { key: fresh, id } = await issueApiKey({
      ctx,
      input: { accountId: owner.account.id, name: 'unused', ipAllowlist: ['192.0.2.0/24'] },
    });
    expect((await balanceFrom('198.51.100.1', fresh)).statusCode).toBe(403);
    // A request that is let in afterwards is recorded: the refused one had not claimed the minute.
    expect((await balanceFrom('192.0.2.5', fresh)).statusCode).toBe(200);
    const row = async () =>
      (await ctx.db.query('SELECT host(last_used_ip) AS ip FROM api_keys WHERE id = $1', [id])).rows[0].ip;
    expect(await waitUntil(async () => (await row()) ?? undefined)).toBe('192.0.2.5');
  });

  it('holds a change at once, though the key was cached', async () => {
    const me = await createCustomer(ctx);
    const browser = await signIn(ctx, app, me.account.id);
    expect((await balanceFrom('198.51.100.1', me.apiKey)).statusCode).toBe(200);
    expect(ctx.apiKeyCache.has(me.apiKey)).toBe(true);
    const narrowed = await app.inject({
      method: 'PATCH',
      url: `/api/keys/${me.apiKeyId}`,
      headers: browser.headers,
      payload: { ip_allowlist: ['192.0.2.0/24'] },
    });
    expect(narrowed.statusCode).toBe(200);
    expect((await balanceFrom('198.51.100.1', me.apiKey)).statusCode).toBe(403);
    expect((await balanceFrom('192.0.2.77', me.apiKey)).statusCode).toBe(200);
    await app.inject({
      method: 'PATCH',
      url: `/api/keys/${me.apiKeyId}`,
      headers: browser.headers,
      payload: { ip_allowlist: null },
    });
    expect((await balanceFrom('198.51.100.1', me.apiKey)).statusCode).toBe(200);
  });

  it('still answers a wrong key with 401 from anywhere', async () => {
    const wrong = await balanceFrom('198.51.100.1', 'ffffffffffffffffffffffffffffffff');
    expect(wrong.statusCode).toBe(401);
  });
});
