/**
 * Pages and the session: a login form posts through POST /api/login and the session cookie reaches the
 * browser; signed-in pages carry the session's CSRF token, and a post without it changes nothing; the
 * same cookie opens the SMSCode routes and their event stream, with CSRF on their state changes.
 */
import { describe, expect, it } from 'vitest';
import { createCustomer } from '../support/factories.ts';
import { PASSWORD } from '../support/log-in.ts';
import { cookiesSet } from '../support/sign-in.ts';
import { createTestApp } from '../support/test-app.ts';
import { createTestContext } from '../support/test-database.ts';

const ctx = await createTestContext();
const app = await createTestApp(ctx);

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
// Browsers send Origin with every form post; Astro refuses one from another site.
const FORM = { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' };

async function logIn(email: string) {
  const response = await app.inject({
    method: 'POST',
    url: '/login?next=%2Fguides%2Fhandler-api',
    headers: FORM,
    payload: form({ email, password: PASSWORD }),
  });
  expect(response.statusCode, response.body).toBe(303);
  expect(response.headers.location).toBe('/guides/handler-api');
  const cookie = cookiesSet(response.headers['set-cookie']).join('; ');
  expect(cookie).toMatch(/numpool_session=/);
  return cookie;
}

const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];

describe('pages and the session', () => {
  it('logs in through the form, shows who is signed in, and refuses a wrong password in the page', async () => {
    const { account } = await createCustomer(ctx);
    const wrong = await app.inject({
      method: 'POST',
      url: '/login',
      headers: FORM,
      payload: form({ email: account.email, password: 'not it' }),
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['content-type']).toMatch(/^text\/html/);
    expect(wrong.body).toContain('role="alert"');
    expect(wrong.headers['set-cookie'] ?? '').not.toMatch(/numpool_session=/);
    const crossSite = await app.inject({
      method: 'POST',
      url: '/login',
      headers: { ...FORM, origin: 'https://evil.example' },
      payload: form({ email: account.email, password: PASSWORD }),
    });
    expect(crossSite.statusCode).toBe(403);
    expect(crossSite.headers['set-cookie'] ?? '').not.toMatch(/numpool_session=/);

    const cookie = await logIn(account.email);
    const page = await app.inject({ method: 'GET', url: '/', headers: { cookie } });
    expect(page.body).toContain(account.email);
    expect(csrfOf(page.body)).toBeDefined();
  });

  it('logs out only with the page token, and never with a forged post', async () => {
    const { account } = await createCustomer(ctx);
    const cookie = await logIn(account.email);
    const page = await app.inject({ method: 'GET', url: '/', headers: { cookie } });
    const pageCookies = [cookie, ...cookiesSet(page.headers['set-cookie'])].join('; ');

    const forged = await app.inject({
      method: 'POST',
      url: '/logout',
      headers: { ...FORM, cookie: pageCookies },
      payload: '',
    });
    expect(forged.statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/', headers: { cookie: pageCookies } })).body).toContain(
      account.email,
    );

    const out = await app.inject({
      method: 'POST',
      url: '/logout',
      headers: { ...FORM, cookie: pageCookies },
      payload: form({ _csrf: csrfOf(page.body)! }),
    });
    expect(out.statusCode).toBe(303);
    expect(String(out.headers['set-cookie'])).toMatch(/numpool_session=;/);
    expect(
      (await app.inject({ method: 'GET', url: '/', headers: { cookie: pageCookies } })).body,
    ).not.toContain(account.email);
  });

  it('opens /v2 with the session cookie, refusing its state changes without the CSRF token', async () => {
    const { account } = await createCustomer(ctx, { balance: 100_000 });
    const cookie = await logIn(account.email);
    const balance = await app.inject({ method: 'GET', url: '/v2/balance', headers: { cookie } });
    expect(balance.statusCode, balance.body).toBe(200);
    const create = await app.inject({
      method: 'POST',
      url: '/v2/orders/create',
      headers: { cookie, 'content-type': 'application/json' },
      payload: JSON.stringify({ service: 'wa', country: 'id' }),
    });
    expect(create.statusCode).toBe(403);
    expect(create.json().error.code).toBe('FORBIDDEN');
    // A cookie that names no session is refused like a missing key.
    const stale = await app.inject({
      method: 'GET',
      url: '/v2/balance',
      headers: { cookie: 'numpool_session=x' },
    });
    expect(stale.statusCode).toBe(401);
  });
});
