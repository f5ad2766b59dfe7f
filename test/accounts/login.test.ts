/**
 * POST /api/login: a fresh session and its cookie; one indistinguishable 401 for every wrong credential;
 * the old session ends on login and on a password change; GET/DELETE /api/sessions; nothing malformed
 * makes a 500.
 */
import { describe, expect, it } from 'vitest';
import { createAccount } from '../../src/accounts/create-account.ts';
import { SESSION_COOKIE } from '../../src/api/plugins/session-cookie.ts';
import { listAudit } from '../../src/audit/list-audit.ts';
import { createCustomer, uniqueEmail } from '../support/factories.ts';
import { browserFrom, logInAs, PASSWORD, postLogin, setCookieLine } from '../support/log-in.ts';
import { signIn } from '../support/sign-in.ts';
import { createTestApp } from '../support/test-app.ts';
import { createTestContext } from '../support/test-database.ts';

const ctx = await createTestContext();
const app = await createTestApp(ctx);

const session = (headers: Record<string, string>) =>
  app.inject({ method: 'GET', url: '/api/session', headers });

describe('POST /api/login', () => {
  it('opens a session whose cookie authenticates /api', async () => {
    const { account } = await createCustomer(ctx);
    const answer = await postLogin(app, { email: account.email.toUpperCase(), password: PASSWORD });
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({
      success: true,
      data: {
        account: { id: account.id, email: account.email, role: 'customer' },
        csrf_token: expect.any(String),
      },
    });
    const browser = browserFrom(answer);
    const me = await session(browser.cookies);
    expect(me.statusCode).toBe(200);
    expect(me.json().data.account.id).toBe(account.id);
    // The token the login handed out is bound to the new session: it passes CSRF on a state change.
    const sessions = await app.inject({ method: 'GET', url: '/api/sessions', headers: browser.cookies });
    const current = sessions.json().data.find((s: { current: boolean }) => s.current);
    const ended = await app.inject({
      method: 'DELETE',
      url: `/api/sessions/${current.id}`,
      headers: browser.headers,
    });
    expect(ended.statusCode).toBe(200);
    expect((await session(browser.cookies)).statusCode).toBe(401);
    const audit = await listAudit({ ctx, input: { actorAccountId: account.id, action: 'session.login' } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorKind: 'account', targetType: 'session' });
  });

  it('answers a wrong password, an unknown email and a disabled account with the same 401', async () => {
    const { account } = await createCustomer(ctx);
    const { account: disabled } = await createCustomer(ctx);
    await ctx.pool.query('UPDATE accounts SET disabled_at = now() WHERE id = $1', [disabled.id]);
    const answers = [
      await postLogin(app, { email: account.email, password: 'not the password' }),
      await postLogin(app, { email: uniqueEmail('nobody'), password: PASSWORD }),
      await postLogin(app, { email: disabled.email, password: PASSWORD }),
      await postLogin(app, { email: 'not an email', password: PASSWORD }),
    ];
    for (const answer of answers) {
      expect(answer.statusCode).toBe(401);
      expect(answer.headers['set-cookie']).toBeUndefined();
    }
    const bodies = new Set(answers.map((a) => a.body));
    expect(bodies.size).toBe(1);
    expect(answers[0]!.json()).toEqual({
      success: false,
      error: { code: 'UNAUTHORIZED', message: expect.any(String) },
    });
    const failed = await listAudit({
      ctx,
      input: { action: 'session.login_failed', targetId: String(account.id) },
    });
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ actorKind: 'system', targetType: 'account' });
    expect(JSON.stringify(failed)).not.toContain('not the password');
  });

  it('refuses an account without a password (signs in another way) like a wrong password', async () => {
    const { account } = await createAccount({ ctx, input: { email: uniqueEmail(), role: 'customer' } });
    await ctx.pool.query('UPDATE accounts SET password_hash = NULL WHERE id = $1', [account.id]);
    const answer = await postLogin(app, { email: account.email, password: '' });
    expect(answer.statusCode).toBe(401);
  });

  it('sets an HttpOnly, SameSite=Lax cookie for the whole site, not Secure over http', async () => {
    const { account } = await createCustomer(ctx);
    const line = setCookieLine(
      await postLogin(app, { email: account.email, password: PASSWORD }),
      SESSION_COOKIE,
    );
    expect(line).toMatch(/; HttpOnly/);
    expect(line).toMatch(/; SameSite=Lax/);
    expect(line).toMatch(/; Path=\//);
    expect(line).not.toMatch(/; Secure/);
  });

  it('sets Secure cookies when the public URL is https', async () => {
    const secure = await createTestContext({ NUMPOOL_PUBLIC_URL: 'https://numpool.example' });
    const secureApp = await createTestApp(secure);
    const { account } = await createCustomer(secure);
    const answer = await postLogin(secureApp, { email: account.email, password: PASSWORD });
    for (const line of [answer.headers['set-cookie'] ?? []].flat()) {
      expect(line).toMatch(/; Secure/);
      expect(line).toMatch(/; HttpOnly/);
      expect(line).toMatch(/; SameSite=Lax/);
      expect(line).toMatch(/; Path=\//);
    }
    const browser = browserFrom(answer);
    const logout = await secureApp.inject({ method: 'POST', url: '/api/logout', headers: browser.headers });
    expect(setCookieLine(logout, SESSION_COOKIE)).toMatch(/; Secure/);
  });

  it('rotates the session: the cookie the browser had stops working', async () => {
    const { account } = await createCustomer(ctx);
    const before = await signIn(ctx, app, account.id);
    const after = browserFrom(
      await postLogin(app, { email: account.email, password: PASSWORD }, before.cookies),
    );
    expect(after.cookies.cookie).not.toBe(before.cookies.cookie);
    expect((await session(before.cookies)).statusCode).toBe(401);
    expect((await session(after.cookies)).statusCode).toBe(200);
    const [login] = await listAudit({ ctx, input: { actorAccountId: account.id, action: 'session.login' } });
    expect(login!.after).toEqual({ method: 'password', replaced_session: true });
  });

  it('never answers 500 to malformed bodies and cookies', async () => {
    const { account } = await createCustomer(ctx);
    const bodies: Array<Parameters<typeof postLogin>[1]> = [
      '',
      '{',
      'null',
      '[]',
      '"x"',
      '{}',
      { email: account.email },
      { email: 1, password: 2 },
      { email: ['a'], password: { x: 1 } },
      { email: account.email, password: 'x'.repeat(100_000) },
      { email: 'x'.repeat(10_000), password: PASSWORD },
      { email: `${account.email}\u0000`, password: PASSWORD },
      { email: '\u{1F600}@\u00e9.test', password: '\u{1F600}' },
      { email: account.email, password: PASSWORD, totp_code: 'x'.repeat(10_000) },
    ];
    for (const body of bodies) {
      const answer = await postLogin(app, body);
      expect(answer.statusCode, JSON.stringify(body).slice(0, 80)).toBeGreaterThanOrEqual(400);
      expect(answer.statusCode).toBeLessThan(500);
    }
    for (const cookie of [
      `${SESSION_COOKIE}=`,
      `${SESSION_COOKIE}=${'a'.repeat(43)}`,
      `${SESSION_COOKIE}=%zz`,
      `${SESSION_COOKIE}="x"; ${SESSION_COOKIE}=y`,
      `${SESSION_COOKIE}=${'é'.repeat(2000)}`,
      '=;;=;',
    ]) {
      const answer = await postLogin(app, { email: account.email, password: PASSWORD }, { cookie });
      expect(answer.statusCode, cookie).toBe(200);
    }
  });
});

describe('GET and DELETE /api/sessions', () => {
  it('lists the account’s open sessions and marks this one', async () => {
    const { account } = await createCustomer(ctx);
    const phone = await logInAs(app, account.email);
    const laptop = await logInAs(app, account.email);
    const listed = await app.inject({ method: 'GET', url: '/api/sessions', headers: laptop.cookies });
    expect(listed.statusCode).toBe(200);
    const sessions = listed.json().data;
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    expect(sessions[0]).toEqual({
      id: expect.any(Number),
      created_at: expect.any(String),
      last_seen_at: expect.any(String),
      ip: '127.0.0.1',
      user_agent: 'lightMyRequest',
      current: expect.any(Boolean),
    });
    const other = sessions.find((s: { current: boolean }) => !s.current);
    const ended = await app.inject({
      method: 'DELETE',
      url: `/api/sessions/${other.id}`,
      headers: laptop.headers,
    });
    expect(ended.statusCode).toBe(200);
    expect((await session(phone.cookies)).statusCode).toBe(401);
    expect((await session(laptop.cookies)).statusCode).toBe(200);
    expect(
      await listAudit({ ctx, input: { action: 'session.revoke', targetId: String(other.id) } }),
    ).toHaveLength(1);
  });

  it('answers 404 for another account’s session and for one already ended; 403 without the CSRF token', async () => {
    const { account } = await createCustomer(ctx);
    const { account: stranger } = await createCustomer(ctx);
    const mine = await logInAs(app, account.email);
    const theirs = await signIn(ctx, app, stranger.id);
    const del = (id: number | string, headers: Record<string, string>) =>
      app.inject({ method: 'DELETE', url: `/api/sessions/${id}`, headers });
    expect((await del(theirs.sessionId, mine.headers)).statusCode).toBe(404);
    expect((await session(theirs.cookies)).statusCode).toBe(200);
    expect((await del(theirs.sessionId, mine.cookies)).statusCode).toBe(403);
    for (const id of ['x', '-1', '1e400', '99999999999999999999'])
      expect((await del(id, mine.headers)).statusCode).toBe(422);
    expect((await del(2 ** 40, mine.headers)).statusCode).toBe(404);
  });

  it('is not open to API keys, which must not manage sign-in', async () => {
    const { apiKey } = await createCustomer(ctx);
    const listed = await app.inject({
      method: 'GET',
      url: '/api/sessions',
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(listed.statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/sessions' })).statusCode).toBe(401);
  });
});

describe('POST /api/password', () => {
  const change = (headers: Record<string, string>, payload: unknown) =>
    app.inject({ method: 'POST', url: '/api/password', headers, payload: payload as object });

  it('changes the password, ends every other session and renews this one', async () => {
    const { account } = await createCustomer(ctx);
    const here = await logInAs(app, account.email);
    const elsewhere = await logInAs(app, account.email);
    const changed = await change(here.headers, {
      current_password: PASSWORD,
      new_password: 'a new long password',
    });
    expect(changed.statusCode).toBe(200);
    const renewed = browserFrom(changed, here);
    expect((await session(here.cookies)).statusCode).toBe(401);
    expect((await session(elsewhere.cookies)).statusCode).toBe(401);
    expect((await session(renewed.cookies)).statusCode).toBe(200);
    // The new token works for state changes on the new session.
    expect(
      (await app.inject({ method: 'POST', url: '/api/logout', headers: renewed.headers })).statusCode,
    ).toBe(200);
    expect((await postLogin(app, { email: account.email, password: PASSWORD })).statusCode).toBe(401);
    expect((await postLogin(app, { email: account.email, password: 'a new long password' })).statusCode).toBe(
      200,
    );
    const [entry] = await listAudit({
      ctx,
      input: { action: 'account.password_change', targetId: String(account.id) },
    });
    expect(entry).toMatchObject({ actorKind: 'account', actorAccountId: account.id });
    expect(JSON.stringify(entry)).not.toContain('a new long password');
  });

  it('refuses a wrong current password, a short new one and a request without the CSRF token', async () => {
    const { account } = await createCustomer(ctx);
    const here = await logInAs(app, account.email);
    const wrong = await change(here.headers, {
      current_password: 'wrong',
      new_password: 'a new long password',
    });
    expect(wrong.statusCode).toBe(422);
    expect(
      (await change(here.headers, { current_password: PASSWORD, new_password: 'short' })).statusCode,
    ).toBe(422);
    expect((await change(here.headers, { current_password: PASSWORD })).statusCode).toBe(422);
    expect((await change(here.headers, { current_password: 7, new_password: ['x'] })).statusCode).toBe(422);
    const noToken = await change(here.cookies, {
      current_password: PASSWORD,
      new_password: 'a new long password',
    });
    expect(noToken.statusCode).toBe(403);
    expect((await session(here.cookies)).statusCode).toBe(200);
    expect((await postLogin(app, { email: account.email, password: PASSWORD })).statusCode).toBe(200);
  });
});
