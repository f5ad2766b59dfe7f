import { describe, expect, it } from 'vitest';
import { createSession } from '../../src/accounts/sessions/create-session.ts';
import { resolveSession } from '../../src/accounts/sessions/resolve-session.ts';
import { revokeAccountSessions, revokeSession } from '../../src/accounts/sessions/revoke-sessions.ts';
import { SESSION_COOKIE } from '../../src/api/plugins/session-cookie.ts';
import { createCustomer } from '../support/factories.ts';
import { signIn } from '../support/sign-in.ts';
import { createTestApp } from '../support/test-app.ts';
import { createTestContext } from '../support/test-database.ts';

const ctx = await createTestContext();
const app = await createTestApp(ctx);

const withCookie = (token: string) => ({ cookie: `${SESSION_COOKIE}=${token}` });

describe('sessions', () => {
  it('resolve to their account until revoked; only the token hash is stored', async () => {
    const { account } = await createCustomer(ctx);
    const session = await createSession({ ctx, input: { accountId: account.id, ip: '192.0.2.1' } });
    expect(await resolveSession({ ctx, input: { token: session.token } })).toMatchObject({
      accountId: account.id,
      sessionId: session.id,
      apiKeyId: undefined,
    });
    const stored = await ctx.pool.query('SELECT * FROM sessions WHERE id = $1', [session.id]);
    expect(JSON.stringify(stored.rows[0])).not.toContain(session.token);
    expect(await revokeSession({ ctx, input: { sessionId: session.id } })).toBe(true);
    expect(await resolveSession({ ctx, input: { token: session.token } })).toBeUndefined();
  });

  it('log out everywhere ends every session but the one named', async () => {
    const { account } = await createCustomer(ctx);
    const kept = await createSession({ ctx, input: { accountId: account.id } });
    const others = [
      await createSession({ ctx, input: { accountId: account.id } }),
      await createSession({ ctx, input: { accountId: account.id } }),
    ];
    expect(
      await revokeAccountSessions({ ctx, input: { accountId: account.id, exceptSessionId: kept.id } }),
    ).toBe(2);
    expect(await resolveSession({ ctx, input: { token: kept.token } })).toBeDefined();
    for (const other of others)
      expect(await resolveSession({ ctx, input: { token: other.token } })).toBeUndefined();
  });

  it('authenticate /admin/api for an admin, 403 for a customer, 401 once revoked or when malformed', async () => {
    const { account: admin } = await createCustomer(ctx, { role: 'admin' });
    const { account: customer } = await createCustomer(ctx);
    const adminSession = await createSession({ ctx, input: { accountId: admin.id } });
    const customerSession = await createSession({ ctx, input: { accountId: customer.id } });
    const get = (headers: Record<string, string>) =>
      app.inject({ method: 'GET', url: '/admin/api/providers', headers });
    expect((await get(withCookie(adminSession.token))).statusCode).toBe(200);
    expect((await get(withCookie(customerSession.token))).json().error.code).toBe('FORBIDDEN');
    await revokeSession({ ctx, input: { sessionId: adminSession.id } });
    expect((await get(withCookie(adminSession.token))).statusCode).toBe(401);
    for (const token of ['', 'x', 'a'.repeat(43), '%00%ff', '"quoted"', 'a'.repeat(5000)])
      expect((await get(withCookie(token))).statusCode).toBe(401);
  });
});

describe('CSRF on cookie-authenticated state changes', () => {
  const setRate = (headers: Record<string, string>) =>
    app.inject({ method: 'PUT', url: '/admin/api/fx-rates/USD', headers, payload: { idr_per_unit: 16_100 } });

  it('refuses a state change without the token, with a wrong or another session’s token; accepts the right one', async () => {
    const { account: admin } = await createCustomer(ctx, { role: 'admin' });
    const browser = await signIn(ctx, app, admin.id);
    const other = await signIn(ctx, app, admin.id);
    for (const headers of [
      browser.cookies,
      { ...browser.cookies, 'x-csrf-token': '' },
      { ...browser.cookies, 'x-csrf-token': 'forged' },
      { ...browser.cookies, 'x-csrf-token': 'a'.repeat(4000) },
      { ...browser.cookies, 'x-csrf-token': other.headers['x-csrf-token'] },
    ]) {
      const refused = await setRate(headers);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.code).toBe('FORBIDDEN');
    }
    expect((await setRate(browser.headers)).statusCode).toBe(200);
  });

  it('needs no token for reads, nor for requests made with an API key', async () => {
    const { account: admin, apiKey } = await createCustomer(ctx, { role: 'admin' });
    const browser = await signIn(ctx, app, admin.id);
    expect(
      (await app.inject({ method: 'GET', url: '/admin/api/fx-rates', headers: browser.cookies })).statusCode,
    ).toBe(200);
    expect((await setRate({ authorization: `Bearer ${apiKey}` })).statusCode).toBe(200);
  });

  it('GET /api/session names the account and gives no token to an API key', async () => {
    const { account, apiKey } = await createCustomer(ctx);
    const browser = await signIn(ctx, app, account.id);
    const bySession = await app.inject({ method: 'GET', url: '/api/session', headers: browser.cookies });
    expect(bySession.json().data.account).toEqual({
      id: account.id,
      email: account.email,
      role: 'customer',
      // Made by an operator (the factory goes through createAccount): verified from the start.
      email_verified: true,
      two_factor_enabled: false,
    });
    const byKey = await app.inject({
      method: 'GET',
      url: '/api/session',
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(byKey.json().data.csrf_token).toBeNull();
    expect((await app.inject({ method: 'GET', url: '/api/session' })).statusCode).toBe(401);
  });
});
