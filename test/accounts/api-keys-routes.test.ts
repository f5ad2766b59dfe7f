/**
 * /api/keys: a signed-in customer lists, creates, changes and revokes named keys; an API key may not; another
 * account's keys are not there; bad input is a 422, never a 500; every change is audited without secrets.
 */
import { describe, expect, it } from 'vitest';
import { MAX_LIVE_KEYS } from '../../src/accounts/create-api-key.ts';
import { createCustomer } from '../support/factories.ts';
import { type Browser, signIn } from '../support/sign-in.ts';
import { bearer, createTestApp } from '../support/test-app.ts';
import { createTestContext } from '../support/test-database.ts';
import { waitUntil } from '../support/wait.ts';

const ctx = await createTestContext();
const app = await createTestApp(ctx);

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const call = (browser: Browser | Record<string, string>, method: Method, url: string, payload?: unknown) =>
  app.inject({
    method,
    url,
    headers: 'headers' in browser ? (browser as Browser).headers : (browser as Record<string, string>),
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });

async function signedInCustomer() {
  const customer = await createCustomer(ctx);
  return { ...customer, browser: await signIn(ctx, app, customer.account.id) };
}

async function auditOf(keyId: number) {
  const rows = await ctx.db.query(
    `SELECT action, actor_kind, actor_account_id, before, after FROM audit_log
     WHERE target_type = 'api_key' AND target_id = $1 ORDER BY id`,
    [String(keyId)],
  );
  return rows.rows;
}

describe('/api/keys for a signed-in customer', () => {
  it('creates a named key shown once, lists it without secrets, changes and revokes it', async () => {
    const me = await signedInCustomer();
    const created = await call(me.browser, 'POST', '/api/keys', {
      name: ' reader ',
      scopes: ['read', 'read'],
      ip_allowlist: ['203.0.113.7', '10.1.2.3/8', '2001:db8::1/32'],
      daily_spend_limit: 50_000,
    });
    expect(created.statusCode).toBe(201);
    const key = created.json().data;
    expect(key.key).toMatch(/^[0-9a-f]{32}$/);
    expect(key).toMatchObject({
      name: 'reader',
      prefix: key.key.slice(0, 6),
      scopes: ['read'],
      ip_allowlist: ['203.0.113.7/32', '10.0.0.0/8', '2001:db8::/32'],
      daily_spend_limit: 50_000,
      spent_today: 0,
      last_used_at: null,
      last_used_ip: null,
      revoked_at: null,
    });

    const listed = await call(me.browser, 'GET', '/api/keys');
    expect(listed.statusCode).toBe(200);
    expect(listed.body).not.toContain(key.key);
    const { key: _shownOnce, ...withoutKey } = key;
    expect(listed.json().data).toContainEqual(withoutKey);
    expect(listed.json().data.map((k: { id: number }) => k.id)).toContain(me.apiKeyId);
    for (const row of listed.json().data) expect(Object.keys(row)).not.toContain('key');

    const patched = await call(me.browser, 'PATCH', `/api/keys/${key.id}`, {
      name: 'bot',
      scopes: ['orders', 'read'],
      ip_allowlist: null,
      daily_spend_limit: null,
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().data).toMatchObject({
      name: 'bot',
      scopes: ['read', 'orders'],
      ip_allowlist: null,
      daily_spend_limit: null,
    });

    const revoked = await call(me.browser, 'DELETE', `/api/keys/${key.id}`);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().data.revoked_at).toEqual(expect.any(String));
    // Revoking again changes nothing; a revoked key cannot be changed.
    expect((await call(me.browser, 'DELETE', `/api/keys/${key.id}`)).json().data.revoked_at).toBe(
      revoked.json().data.revoked_at,
    );
    const late = await call(me.browser, 'PATCH', `/api/keys/${key.id}`, { name: 'again' });
    expect(late.statusCode).toBe(409);

    const audit = await auditOf(key.id);
    expect(audit.map((a) => a.action)).toEqual(['api_key.create', 'api_key.update', 'api_key.revoke']);
    expect(audit.every((a) => a.actor_kind === 'account' && a.actor_account_id === me.account.id)).toBe(true);
    expect(audit[1].before).toMatchObject({ name: 'reader', scopes: ['read'], daily_spend_limit: 50_000 });
    expect(audit[1].after).toMatchObject({ name: 'bot', scopes: ['read', 'orders'], ip_allowlist: null });
    expect(audit[2].after.revoked_at).toEqual(expect.any(String));
    expect(JSON.stringify(audit)).not.toContain(key.key);
    const hash = await ctx.db.query(`SELECT encode(key_hash, 'hex') AS hash FROM api_keys WHERE id = $1`, [
      key.id,
    ]);
    expect(JSON.stringify(audit)).not.toContain(hash.rows[0].hash);
  });

  it('makes a key that works at once, and refuses it on the same node the moment it is revoked', async () => {
    const me = await signedInCustomer();
    const { key, id } = (await call(me.browser, 'POST', '/api/keys', { name: 'short-lived' })).json().data;
    const balance = () => app.inject({ method: 'GET', url: '/v1/balance', headers: bearer(key) });
    expect((await balance()).statusCode).toBe(200);
    // Cached now: the second request costs no lookup, and still the revocation holds at once.
    expect((await balance()).statusCode).toBe(200);
    expect(ctx.apiKeyCache.has(key)).toBe(true);
    expect((await call(me.browser, 'DELETE', `/api/keys/${id}`)).statusCode).toBe(200);
    const refused = await balance();
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.code).toBe('UNAUTHORIZED');
  });

  it('makes one key for an Idempotency-Key, however often and however concurrently it is sent', async () => {
    const me = await signedInCustomer();
    const create = (requestKey: string) =>
      app.inject({
        method: 'POST',
        url: '/api/keys',
        headers: { ...me.browser.headers, 'idempotency-key': requestKey },
        payload: { name: 'from the form' },
      });
    const answers = await Promise.all(Array.from({ length: 5 }, () => create('form-7f3a')));
    const made = answers.filter((a) => a.statusCode === 201);
    expect(made).toHaveLength(1);
    const id = made[0]!.json().data.id;
    for (const repeat of answers.filter((a) => a.statusCode !== 201)) {
      expect(repeat.statusCode).toBe(409);
      expect(repeat.json().error).toMatchObject({ code: 'CONFLICT', details: { api_key_id: id } });
      // The secret was shown once, to the first answer: never again.
      expect(repeat.body).not.toContain(made[0]!.json().data.key);
    }
    const listed = (await call(me.browser, 'GET', '/api/keys')).json().data;
    expect(listed.filter((k: { name: string }) => k.name === 'from the form')).toHaveLength(1);
    // Another key makes another; the same key of another account is its own.
    expect((await create('form-8b21')).statusCode).toBe(201);
    const other = await signedInCustomer();
    const theirs = await app.inject({
      method: 'POST',
      url: '/api/keys',
      headers: { ...other.browser.headers, 'idempotency-key': 'form-7f3a' },
      payload: { name: 'theirs' },
    });
    expect(theirs.statusCode).toBe(201);
    const malformed = await create('not a key!');
    expect([malformed.statusCode, malformed.json().error.code]).toEqual([422, 'VALIDATION_ERROR']);
  });

  it('shows when and from where a key was last used, written about once a minute', async () => {
    const me = await signedInCustomer();
    const { key, id } = (await call(me.browser, 'POST', '/api/keys', { name: 'used' })).json().data;
    const used = await app.inject({
      method: 'GET',
      url: '/v1/balance',
      headers: bearer(key),
      remoteAddress: '198.51.100.23',
    });
    expect(used.statusCode).toBe(200);
    const seen = async () =>
      (await call(me.browser, 'GET', '/api/keys')).json().data.find((k: { id: number }) => k.id === id);
    // The write does not delay the answer: wait for it.
    const first = await waitUntil(async () => {
      const row = await seen();
      return row.last_used_at === null ? undefined : row;
    });
    expect(first).toMatchObject({ last_used_ip: '198.51.100.23', last_used_at: expect.any(String) });
    // Within the minute, another use from elsewhere is not written again.
    await app.inject({ method: 'GET', url: '/v1/balance', headers: bearer(key), remoteAddress: '192.0.2.9' });
    expect((await seen()).last_used_ip).toBe('198.51.100.23');
  });
});

describe('/api/keys refuses', () => {
  it('API keys, whatever their scopes (a key never mints a key), and requests without credentials', async () => {
    const me = await signedInCustomer();
    const routes: Array<[Method, string, unknown]> = [
      ['GET', '/api/keys', undefined],
      ['POST', '/api/keys', { name: 'minted' }],
      ['PATCH', `/api/keys/${me.apiKeyId}`, { scopes: ['read'] }],
      ['DELETE', `/api/keys/${me.apiKeyId}`, undefined],
    ];
    for (const [method, url, payload] of routes) {
      const byKey = await call(bearer(me.apiKey), method, url, payload);
      expect(byKey.statusCode).toBe(403);
      expect(byKey.json().error.code).toBe('FORBIDDEN');
      expect((await call({}, method, url, payload)).statusCode).toBe(401);
    }
    const keys = await ctx.db.query(
      'SELECT count(*)::int AS n, bool_and(revoked_at IS NULL) AS live FROM api_keys WHERE account_id = $1',
      [me.account.id],
    );
    expect(keys.rows[0]).toEqual({ n: 1, live: true });
  });

  it('a cookie without its CSRF token on a change', async () => {
    const me = await signedInCustomer();
    const forged = await app.inject({
      method: 'POST',
      url: '/api/keys',
      headers: me.browser.cookies,
      payload: { name: 'cross-site' },
    });
    expect(forged.statusCode).toBe(403);
    const revoke = await app.inject({
      method: 'DELETE',
      url: `/api/keys/${me.apiKeyId}`,
      headers: me.browser.cookies,
    });
    expect(revoke.statusCode).toBe(403);
  });

  it("another account's key with 404, and leaves it as it was", async () => {
    const me = await signedInCustomer();
    const other = await signedInCustomer();
    for (const [method, payload] of [
      ['PATCH', { scopes: ['read'] }],
      ['DELETE', undefined],
    ] as const) {
      const refused = await call(me.browser, method, `/api/keys/${other.apiKeyId}`, payload);
      expect(refused.statusCode).toBe(404);
      expect(refused.json().error.code).toBe('NOT_FOUND');
    }
    expect((await call(me.browser, 'PATCH', '/api/keys/2147483000', { name: 'x' })).statusCode).toBe(404);
    const listed = (await call(me.browser, 'GET', '/api/keys')).json().data;
    expect(listed.map((k: { id: number }) => k.id)).toEqual([me.apiKeyId]);
    const row = await ctx.db.query('SELECT scopes, revoked_at FROM api_keys WHERE id = $1', [other.apiKeyId]);
    expect(row.rows[0]).toEqual({ scopes: ['read', 'orders', 'webhook', 'billing'], revoked_at: null });
    expect(await auditOf(other.apiKeyId)).toEqual([]);
  });

  it.each([
    ['a bad CIDR', { name: 'k', ip_allowlist: ['10.0.0.0/33'] }],
    ['a host name', { name: 'k', ip_allowlist: ['example.com'] }],
    ['a short IPv4 form', { name: 'k', ip_allowlist: ['10.1'] }],
    ['an IPv6 zone', { name: 'k', ip_allowlist: ['fe80::1%eth0'] }],
    ['an empty allowlist', { name: 'k', ip_allowlist: [] }],
    ['too many ranges', { name: 'k', ip_allowlist: Array.from({ length: 40 }, (_, i) => `10.0.${i}.0/24`) }],
    ['an unknown scope', { name: 'k', scopes: ['read', 'admin'] }],
    ['empty scopes', { name: 'k', scopes: [] }],
    ['scopes that are not strings', { name: 'k', scopes: [1] }],
    ['a zero limit', { name: 'k', daily_spend_limit: 0 }],
    ['a fractional limit', { name: 'k', daily_spend_limit: 1.5 }],
    ['a huge limit', { name: 'k', daily_spend_limit: 1e16 }],
    ['a blank name', { name: '   ' }],
    ['no name', {}],
    ['a long name', { name: 'n'.repeat(65) }],
    ['a control character', { name: 'a\u0007b' }],
    ['an unknown field', { name: 'k', key: '0123456789abcdef0123456789abcdef' }],
    ['not an object', [1, 2]],
  ])('%s with 422, creating nothing', async (_name, body) => {
    const me = await signedInCustomer();
    const refused = await call(me.browser, 'POST', '/api/keys', body);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('VALIDATION_ERROR');
    const patched = await call(me.browser, 'PATCH', `/api/keys/${me.apiKeyId}`, {
      ...(body as object),
      name: undefined,
    });
    expect(patched.statusCode).toBe(422);
    const keys = await ctx.db.query('SELECT count(*)::int AS n FROM api_keys WHERE account_id = $1', [
      me.account.id,
    ]);
    expect(keys.rows[0].n).toBe(1);
  });

  it.each(['abc', '-1', '1.5', '1e309', '99999999999999999999999', '%00', "1'; DROP TABLE api_keys; --"])(
    'a malformed id (%s) with 422, never 500',
    async (id) => {
      const me = await signedInCustomer();
      for (const method of ['PATCH', 'DELETE'] as const) {
        const refused = await call(
          me.browser,
          method,
          `/api/keys/${encodeURIComponent(id)}`,
          method === 'PATCH' ? { name: 'x' } : undefined,
        );
        expect(refused.statusCode).toBeGreaterThanOrEqual(400);
        expect(refused.statusCode).toBeLessThan(500);
      }
    },
  );

  it('an empty change, and a body that is not JSON', async () => {
    const me = await signedInCustomer();
    expect((await call(me.browser, 'PATCH', `/api/keys/${me.apiKeyId}`, {})).statusCode).toBe(422);
    const garbage = await app.inject({
      method: 'POST',
      url: '/api/keys',
      headers: { ...me.browser.headers, 'content-type': 'application/json' },
      payload: '{"name":',
    });
    expect(garbage.statusCode).toBe(422);
  });

  it(`more than ${MAX_LIVE_KEYS} live keys, counting revoked ones out`, async () => {
    const me = await signedInCustomer();
    // The factory's key is one already.
    const made = await Promise.all(
      Array.from({ length: MAX_LIVE_KEYS - 2 }, (_, i) =>
        call(me.browser, 'POST', '/api/keys', { name: `k${i}` }),
      ),
    );
    expect(made.map((r) => r.statusCode)).toEqual(made.map(() => 201));
    // Room for one: of four creates at the same moment, one is made (the count is read after the lock).
    const racing = await Promise.all(
      Array.from({ length: 4 }, (_, i) => call(me.browser, 'POST', '/api/keys', { name: `race${i}` })),
    );
    expect(racing.map((r) => r.statusCode).sort()).toEqual([201, 422, 422, 422]);
    const over = await call(me.browser, 'POST', '/api/keys', { name: 'one too many' });
    expect(over.statusCode).toBe(422);
    expect(over.json().error.details).toEqual({ limit: MAX_LIVE_KEYS });
    await call(me.browser, 'DELETE', `/api/keys/${made[0]!.json().data.id}`);
    expect((await call(me.browser, 'POST', '/api/keys', { name: 'room again' })).statusCode).toBe(201);
  });
});
