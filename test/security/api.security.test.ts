/**
 * The security suite of numpool's own JSON API (/api), route by route: a table holds a happy and an error
 * case for every route the app serves under /api (a route added without cases fails the suite), and the
 * security checks run over the whole table — credentials (none, an API key where only a session may go,
 * a key without the route's scope), CSRF on every cookie-authenticated state change, objects of one
 * account invisible to another (404), sessions and keys ending at once on two nodes, login throttling,
 * answers that tell no one which e-mails have accounts, no 5xx for malformed credentials, and no secret
 * in the logs.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { Secret, TOTP } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/api/plugins/session-cookie.ts';
import { enqueueWebhook } from '../../src/delivery/webhooks/enqueue-webhook.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { startSandboxGateways } from '../../src/sandbox/start-sandbox-gateways.ts';
import { anotherNode } from '../support/another-node.ts';
import { expectClientError, expectRefusal } from '../support/envelope.ts';
import { createCustomer, uniqueEmail } from '../support/factories.ts';
import { browserFrom, logInAs, PASSWORD, postLogin } from '../support/log-in.ts';
import { startOidcProvider } from '../support/oidc-provider.ts';
import { routesUnder } from '../support/route-table.ts';
import { waitForSandboxToken } from '../support/sandbox-mail.ts';
import { type Browser, cookiesSet, signIn } from '../support/sign-in.ts';
import { bearer, createTestApp } from '../support/test-app.ts';
import { TestClock } from '../support/test-clock.ts';
import { cleanupAfterFile, contextOn, createTestContext } from '../support/test-database.ts';

const lines: string[] = [];
const log = createLogger('debug', 'numpool', { write: (line: string) => lines.push(line) });
const clock = new TestClock();
const PUBLIC_URL = 'http://127.0.0.1:8080';
const idp = await startOidcProvider({ redirectUri: `${PUBLIC_URL}/api/oidc/callback` });
// Many wrong passwords and codes are sent on purpose: throttling is tested on a context of its own below.
const ENV = {
  NUMPOOL_LOGIN_ACCOUNT_FAILURES: '1000',
  NUMPOOL_LOGIN_IP_FAILURES: '100000',
  NUMPOOL_WEBHOOK_ALLOW_PRIVATE: '1',
  NUMPOOL_PUBLIC_URL: PUBLIC_URL,
  NUMPOOL_OIDC_ISSUER: idp.issuer,
  NUMPOOL_OIDC_CLIENT_ID: idp.clientId,
  NUMPOOL_OIDC_CLIENT_SECRET: idp.clientSecret,
};
const ctx = await createTestContext(ENV, { log, clock });
const app = await createTestApp(ctx);
const two = (await anotherNode(ctx, ENV, { log, clock })).app;
const nodes = [app, two] as const;

/** Every credential this file handles; none may ever be in a log line. */
const secrets = new Set<string>([PASSWORD, idp.clientSecret, ctx.secret]);
/** Six-digit codes, matched as whole numbers only (log lines are full of digits). */
const codes = new Set<string>();
const remember = (...values: Array<string | undefined>) => {
  for (const value of values) if (value) secrets.add(value);
};
const rememberBrowser = (browser: Browser) => {
  for (const pair of browser.cookies.cookie.split('; ')) remember(pair.slice(pair.indexOf('=') + 1));
  remember(browser.headers['x-csrf-token']);
  return browser;
};

type Headers = Record<string, string>;
const send = (
  method: string,
  url: string,
  headers: Headers = {},
  payload?: unknown,
  node: FastifyInstance = app,
): Promise<LightMyRequestResponse> =>
  node.inject({
    method: method as InjectOptions['method'],
    url,
    headers,
    ...(payload === undefined
      ? {}
      : typeof payload === 'string'
        ? { payload }
        : { payload: payload as object }),
  });
const sessionStatus = (node: FastifyInstance, headers: Headers) =>
  send('GET', '/api/session', headers, undefined, node).then((r) => r.statusCode);
const withCookie = (token: string) => ({ cookie: `${SESSION_COOKIE}=${token}` });
/** A request whose body is JSON cut short: refused 422 once it gets as far as being read. */
const malformedBody = (method: string, url: string, headers: Headers) =>
  send(method, url, { ...headers, 'content-type': 'application/json' }, '{"unfinished');

async function person() {
  const made = await createCustomer(ctx);
  remember(made.apiKey);
  const browser = rememberBrowser(await signIn(ctx, app, made.account.id));
  return { ...made, browser, key: bearer(made.apiKey) };
}
type Person = Awaited<ReturnType<typeof person>>;

/** A person with a webhook and one logged delivery (nothing sends it: no worker runs in this file). */
async function withDelivery(who: Person) {
  const set = await send('PATCH', '/v1/webhook', who.key, { webhook_url: 'http://127.0.0.1:9/hook' });
  expect(set.statusCode, set.body).toBe(200);
  remember(set.json().data.webhook_secret);
  const deliveryId = await enqueueWebhook({
    ctx,
    input: {
      accountId: who.account.id,
      orderEventId: null,
      body: { event: 'order.updated', timestamp: clock.now().toISOString(), data: {} },
    },
  });
  return deliveryId!;
}

const totpFor = (secret: string, at = clock.now()) => {
  const code = new TOTP({
    secret: Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
  }).generate({ timestamp: at.getTime() });
  codes.add(code);
  return code;
};
/** The next 30-second step: a code made now was never used before (no code is good twice). */
const nextStep = () => clock.advance(30_000);

async function withTwoFactor() {
  const me = await person();
  const setup = await send('POST', '/api/2fa/setup', me.browser.headers);
  expect(setup.statusCode, setup.body).toBe(200);
  const secret: string = setup.json().data.secret;
  remember(secret, setup.json().data.otpauth_url);
  nextStep();
  const enabled = await send('POST', '/api/2fa/enable', me.browser.headers, { code: totpFor(secret) });
  expect(enabled.statusCode, enabled.body).toBe(200);
  const recoveryCodes: string[] = enabled.json().data.recovery_codes;
  remember(...recoveryCodes);
  return { ...me, secret, recoveryCodes, browser: rememberBrowser(browserFrom(enabled, me.browser)) };
}

/** "Sign in with …": numpool → the identity provider (login, consent) → numpool's callback. */
async function oidcFlow() {
  const email = uniqueEmail('oidc');
  idp.signInAs({ sub: `u-${randomBytes(4).toString('hex')}`, email, email_verified: true });
  const start = await send('GET', '/api/oidc/login?return_to=%2Forders');
  expect(start.statusCode, start.body).toBe(302);
  const flow = cookiesSet(start.headers['set-cookie']).find((p) => p.startsWith('numpool_oidc='))!;
  remember(flow.slice('numpool_oidc='.length));
  const back = await idp.authorize(String(start.headers.location));
  // The authorization code and state come back in the URL: credentials of the sign-in, like a password.
  remember(back.searchParams.get('code') ?? undefined, back.searchParams.get('state') ?? undefined);
  return { back, flow };
}

const a = await person();
const b = await person();
const aDelivery = await withDelivery(a);
// A narrow key of A's: it may bill, nothing else on /api.
const narrow = await send('POST', '/api/keys', a.browser.headers, {
  name: 'billing only',
  scopes: ['billing'],
});
expect(narrow.statusCode, narrow.body).toBe(201);
remember(narrow.json().data.key);
const narrowKey = bearer(narrow.json().data.key);
// And one that may read and order, but not bill.
const noBilling = await send('POST', '/api/keys', a.browser.headers, {
  name: 'no billing',
  scopes: ['read', 'orders'],
});
expect(noBilling.statusCode, noBilling.body).toBe(201);
remember(noBilling.json().data.key);
const noBillingKey = bearer(noBilling.json().data.key);

// Top-ups go to the simulated gateways (no notification comes back: this app does not listen).
const gateways = await startSandboxGateways({ ctx, input: {} });
cleanupAfterFile(() => gateways.close());
const aTopup = await send('POST', '/api/topups', a.key, {
  gateway: 'heleket',
  amount: '1.00',
  currency: 'USD',
});
expect(aTopup.statusCode, aTopup.body).toBe(201);
const aTopupId: string = aTopup.json().data.id;

type Auth = 'public' | 'key-or-session' | 'session';
interface RouteCase {
  /** Who may call it: anyone; a key with the route's scope or a session; a session only. */
  auth: Auth;
  /** A billing route: the key lacking its scope is the one without `billing`. */
  billing?: true;
  /** A well-formed request (A's objects in the path) for the checks that refuse it before it runs. */
  probe: { url: string; payload?: unknown };
  happy: () => Promise<void>;
  error: () => Promise<void>;
}

const routes: Record<string, RouteCase> = {
  'GET /api/oidc': {
    auth: 'public',
    probe: { url: '/api/oidc' },
    happy: async () => {
      expect((await send('GET', '/api/oidc')).json()).toEqual({ success: true, data: { enabled: true } });
    },
    // The route takes no input; what it refuses is any other method.
    error: async () => void expectRefusal(await send('DELETE', '/api/oidc'), 404, 'NOT_FOUND'),
  },
  'GET /api/oidc/login': {
    auth: 'public',
    probe: { url: '/api/oidc/login' },
    happy: async () => {
      const start = await send('GET', '/api/oidc/login');
      expect(start.statusCode).toBe(302);
      expect(String(start.headers.location).startsWith(idp.issuer)).toBe(true);
    },
    error: async () =>
      void expectRefusal(await send('GET', `/api/oidc/login?return_to=${'x'.repeat(600)}`), 422),
  },
  'GET /api/oidc/callback': {
    auth: 'public',
    probe: { url: '/api/oidc/callback' },
    happy: async () => {
      const { back, flow } = await oidcFlow();
      const done = await send('GET', `${back.pathname}${back.search}`, { cookie: flow });
      expect(done.statusCode, done.body).toBe(302);
      expect(done.headers.location).toBe('/orders');
      const token = cookiesSet(done.headers['set-cookie'])
        .find((p) => p.startsWith(`${SESSION_COOKIE}=`))!
        .slice(SESSION_COOKIE.length + 1);
      remember(token);
      expect(await sessionStatus(two, withCookie(token))).toBe(200);
    },
    // A callback this browser never started (no flow cookie) opens no session.
    error: async () => {
      const { back } = await oidcFlow();
      const refused = await send('GET', `${back.pathname}${back.search}`);
      expectRefusal(refused, 401, 'UNAUTHORIZED');
      expect(refused.headers['set-cookie'] ?? '').not.toContain(SESSION_COOKIE);
    },
  },
  'POST /api/signup': {
    auth: 'public',
    probe: { url: '/api/signup', payload: { email: uniqueEmail(), password: 'a long enough password' } },
    happy: async () => {
      const answer = await send(
        'POST',
        '/api/signup',
        {},
        { email: uniqueEmail('new'), password: 'a long pass 1' },
      );
      remember('a long pass 1');
      expect(answer.statusCode).toBe(202);
      expect(answer.json()).toEqual({ success: true, data: { status: 'check_your_email' } });
    },
    error: async () => {
      expectRefusal(await send('POST', '/api/signup', {}, { email: uniqueEmail() }), 422, 'VALIDATION_ERROR');
      expectRefusal(
        await send('POST', '/api/signup', {}, { email: 'not an address', password: 'long password 2' }),
        422,
      );
    },
  },
  'POST /api/verify-email': {
    auth: 'public',
    probe: { url: '/api/verify-email', payload: { token: 'x'.repeat(43) } },
    happy: async () => {
      const email = uniqueEmail('verify');
      expect((await send('POST', '/api/signup', {}, { email, password: 'a long pass 3' })).statusCode).toBe(
        202,
      );
      remember('a long pass 3');
      const token = await waitForSandboxToken(ctx.config.dataDir, email, 'verify');
      remember(token);
      const answer = await send('POST', '/api/verify-email', {}, { token });
      expect(answer.json()).toEqual({ success: true, data: { status: 'verified', email_verified: true } });
      // Once only.
      expectRefusal(await send('POST', '/api/verify-email', {}, { token }), 422, 'VALIDATION_ERROR');
    },
    error: async () =>
      void expectRefusal(await send('POST', '/api/verify-email', {}, { token: 'y'.repeat(43) }), 422),
  },
  'POST /api/password-reset': {
    auth: 'public',
    probe: { url: '/api/password-reset', payload: { email: uniqueEmail() } },
    happy: async () => {
      const answer = await send('POST', '/api/password-reset', {}, { email: a.account.email });
      expect(answer.statusCode).toBe(202);
      expect(answer.json()).toEqual({ success: true, data: { status: 'check_your_email' } });
    },
    error: async () => void expectRefusal(await send('POST', '/api/password-reset', {}, { mail: 'x' }), 422),
  },
  'POST /api/verify-email/resend': {
    auth: 'public',
    probe: { url: '/api/verify-email/resend', payload: { email: uniqueEmail() } },
    happy: async () => {
      const answer = await send('POST', '/api/verify-email/resend', {}, { email: a.account.email });
      expect(answer.statusCode).toBe(202);
      expect(answer.json()).toEqual({ success: true, data: { status: 'check_your_email' } });
    },
    error: async () =>
      void expectRefusal(
        await send('POST', '/api/verify-email/resend', {}, { email: 'not an address' }),
        422,
      ),
  },
  'POST /api/password-reset/confirm': {
    auth: 'public',
    probe: {
      url: '/api/password-reset/confirm',
      payload: { token: 'x'.repeat(43), password: 'long password' },
    },
    happy: async () => {
      const me = await person();
      expect((await send('POST', '/api/password-reset', {}, { email: me.account.email })).statusCode).toBe(
        202,
      );
      const token = await waitForSandboxToken(ctx.config.dataDir, me.account.email, 'reset');
      remember(token, 'a reset password 4');
      const answer = await send(
        'POST',
        '/api/password-reset/confirm',
        {},
        { token, password: 'a reset password 4' },
      );
      expect(answer.json()).toEqual({ success: true, data: { status: 'password_reset' } });
      // Signed out everywhere, on both nodes; the new password signs in.
      for (const node of nodes) expect(await sessionStatus(node, me.browser.cookies)).toBe(401);
      expect(
        (await postLogin(app, { email: me.account.email, password: 'a reset password 4' })).statusCode,
      ).toBe(200);
    },
    error: async () => {
      const bad = await send(
        'POST',
        '/api/password-reset/confirm',
        {},
        { token: 'z'.repeat(43), password: 'long password 5' },
      );
      expectRefusal(bad, 422, 'VALIDATION_ERROR');
    },
  },
  'POST /api/login': {
    auth: 'public',
    probe: { url: '/api/login', payload: { email: a.account.email, password: 'wrong' } },
    happy: async () => {
      const browser = rememberBrowser(await logInAs(app, a.account.email));
      for (const node of nodes) expect(await sessionStatus(node, browser.cookies)).toBe(200);
    },
    error: async () => {
      expectRefusal(await postLogin(app, { email: a.account.email, password: 'wrong' }), 401, 'UNAUTHORIZED');
      expectRefusal(await postLogin(app, { email: a.account.email }), 422, 'VALIDATION_ERROR');
      expectRefusal(await postLogin(app, '{"email":'), 422, 'VALIDATION_ERROR');
    },
  },
  'GET /api/session': {
    auth: 'key-or-session',
    probe: { url: '/api/session' },
    happy: async () => {
      const bySession = (await send('GET', '/api/session', a.browser.cookies)).json().data;
      expect(bySession).toMatchObject({ account: { id: a.account.id }, csrf_token: expect.any(String) });
      const byKey = (await send('GET', '/api/session', a.key)).json().data;
      expect(byKey).toMatchObject({
        account: { id: a.account.id, email: a.account.email },
        csrf_token: null,
      });
    },
    error: async () =>
      void expectRefusal(await send('GET', '/api/session', withCookie('not-a-session')), 401, 'UNAUTHORIZED'),
  },
  'GET /api/abuse-guard': {
    auth: 'key-or-session',
    probe: { url: '/api/abuse-guard' },
    happy: async () => {
      for (const headers of [a.browser.cookies, a.key]) {
        const answer = await send('GET', '/api/abuse-guard', headers);
        expect(answer.statusCode, answer.body).toBe(200);
        expect(answer.json().data).toMatchObject({ banned: false, until: null });
      }
    },
    error: async () =>
      void expectRefusal(await send('GET', '/api/abuse-guard', bearer('0'.repeat(32))), 401, 'UNAUTHORIZED'),
  },
  'GET /api/payment-gateways': {
    auth: 'key-or-session',
    billing: true,
    probe: { url: '/api/payment-gateways' },
    happy: async () => {
      const listed = (await send('GET', '/api/payment-gateways', a.key)).json().data;
      expect(listed.map((g: { code: string }) => g.code)).toEqual(['duitku', 'heleket', 'stripe']);
      expect(JSON.stringify(listed)).not.toContain('sandbox-heleket-payment-key');
    },
    error: async () =>
      void expectRefusal(
        await send('GET', '/api/payment-gateways', bearer('0'.repeat(32))),
        401,
        'UNAUTHORIZED',
      ),
  },
  'POST /api/topups': {
    auth: 'key-or-session',
    billing: true,
    probe: { url: '/api/topups', payload: { gateway: 'heleket', amount: '1.00', currency: 'USD' } },
    happy: async () => {
      for (const headers of [a.key, a.browser.headers]) {
        const made = await send('POST', '/api/topups', headers, {
          gateway: 'stripe',
          amount: '2.00',
          currency: 'USD',
        });
        expect(made.statusCode, made.body).toBe(201);
        expect(made.json().data).toMatchObject({
          status: 'pending',
          gateway: 'stripe',
          expected_idr: 32_000,
        });
      }
    },
    error: async () => {
      for (const body of [
        { gateway: 'heleket', amount: 'ten', currency: 'USD' },
        { gateway: 'heleket', amount: '1.00', currency: 'IDR' },
        { gateway: 'duitku', amount: '150000', currency: 'IDR' },
        { gateway: 'heleket', amount: '1.00', currency: 'USD', extra: true },
      ])
        expectRefusal(await send('POST', '/api/topups', a.key, body), 422, 'VALIDATION_ERROR');
    },
  },
  'GET /api/topups': {
    auth: 'key-or-session',
    billing: true,
    probe: { url: '/api/topups' },
    happy: async () => {
      const mine = (await send('GET', '/api/topups', a.key)).json().data;
      expect(mine.map((t: { id: string }) => t.id)).toContain(aTopupId);
      const theirs = (await send('GET', '/api/topups', b.key)).json().data;
      expect(theirs.map((t: { id: string }) => t.id)).not.toContain(aTopupId);
    },
    error: async () =>
      void expectRefusal(await send('GET', '/api/topups?limit=many', a.key), 422, 'VALIDATION_ERROR'),
  },
  'GET /api/topups/{id}': {
    auth: 'key-or-session',
    billing: true,
    probe: { url: `/api/topups/${aTopupId}` },
    happy: async () => {
      const mine = await send('GET', `/api/topups/${aTopupId}`, a.browser.cookies);
      expect(mine.json().data).toMatchObject({ id: aTopupId, gateway: 'heleket', amount: '1.00' });
      expectRefusal(await send('GET', `/api/topups/${aTopupId}`, b.key), 404, 'NOT_FOUND');
    },
    error: async () => {
      expectRefusal(await send('GET', '/api/topups/np-topup-x', a.key), 422, 'VALIDATION_ERROR');
      expectRefusal(await send('GET', '/api/topups/np-topup-999999999', a.key), 404, 'NOT_FOUND');
    },
  },
  'GET /api/ledger': {
    auth: 'key-or-session',
    billing: true,
    probe: { url: '/api/ledger' },
    happy: async () => {
      const rich = await createCustomer(ctx, { balance: 25_000 });
      const entries = (await send('GET', '/api/ledger', bearer(rich.apiKey))).json().data;
      expect(entries).toEqual([
        expect.objectContaining({ code: 'deposit', amount: 25_000, balance_after: 25_000 }),
      ]);
      expect((await send('GET', '/api/ledger', b.key)).json().data).toEqual([]);
    },
    error: async () =>
      void expectRefusal(await send('GET', '/api/ledger?before_id=-1', a.key), 422, 'VALIDATION_ERROR'),
  },
  'GET /api/webhook-deliveries': {
    auth: 'key-or-session',
    probe: { url: '/api/webhook-deliveries' },
    happy: async () => {
      const mine = (await send('GET', '/api/webhook-deliveries', a.key)).json().data;
      expect(mine.map((d: { id: number }) => d.id)).toContain(aDelivery);
      const theirs = (await send('GET', '/api/webhook-deliveries', b.key)).json().data;
      expect(theirs.map((d: { id: number }) => d.id)).not.toContain(aDelivery);
      // The web app reads the same log with the signed-in session.
      const bySession = (await send('GET', '/api/webhook-deliveries', a.browser.headers)).json().data;
      expect(bySession.map((d: { id: number }) => d.id)).toContain(aDelivery);
    },
    error: async () => {
      expectRefusal(await send('GET', '/api/webhook-deliveries?status=lost', a.key), 422, 'VALIDATION_ERROR');
      expectRefusal(await send('GET', '/api/webhook-deliveries?limit=many', a.key), 422, 'VALIDATION_ERROR');
    },
  },
  'POST /api/webhook-deliveries/{id}/redeliver': {
    auth: 'key-or-session',
    probe: { url: `/api/webhook-deliveries/${aDelivery}/redeliver` },
    happy: async () => {
      const again = await send('POST', `/api/webhook-deliveries/${aDelivery}/redeliver`, a.key);
      expect(again.statusCode, again.body).toBe(200);
      expect(again.json().data).toMatchObject({ id: aDelivery, status: 'pending' });
    },
    error: async () => {
      expectRefusal(
        await send('POST', '/api/webhook-deliveries/abc/redeliver', a.key),
        422,
        'VALIDATION_ERROR',
      );
      expectRefusal(
        await send('POST', '/api/webhook-deliveries/2147483647/redeliver', a.key),
        404,
        'NOT_FOUND',
      );
    },
  },
  'GET /api/handler-settings': {
    auth: 'key-or-session',
    probe: { url: '/api/handler-settings' },
    happy: async () => {
      const answer = await send('GET', '/api/handler-settings', b.key);
      expect(answer.json()).toEqual({
        success: true,
        data: { handler_webhook_url: null, handler_json_errors: false },
      });
    },
    // No input but the key: a key that is no key.
    error: async () =>
      void expectRefusal(await send('GET', '/api/handler-settings', { authorization: 'Bearer' }), 401),
  },
  'PATCH /api/handler-settings': {
    auth: 'key-or-session',
    probe: { url: '/api/handler-settings', payload: { handler_json_errors: true } },
    happy: async () => {
      const answer = await send('PATCH', '/api/handler-settings', a.key, { handler_json_errors: true });
      expect(answer.json().data).toEqual({ handler_webhook_url: null, handler_json_errors: true });
      expect((await send('GET', '/api/handler-settings', b.key)).json().data.handler_json_errors).toBe(false);
    },
    error: async () => {
      expectRefusal(await send('PATCH', '/api/handler-settings', a.key, {}), 422, 'VALIDATION_ERROR');
      expectRefusal(
        await send('PATCH', '/api/handler-settings', a.key, { handler_json_errors: 'maybe' }),
        422,
      );
    },
  },
  'GET /api/sessions': {
    auth: 'session',
    probe: { url: '/api/sessions' },
    happy: async () => {
      const listed = (await send('GET', '/api/sessions', a.browser.cookies)).json().data;
      expect(listed).toContainEqual(expect.objectContaining({ id: a.browser.sessionId, current: true }));
      expect(listed.map((s: { id: number }) => s.id)).not.toContain(b.browser.sessionId);
    },
    error: async () =>
      void expectRefusal(await send('GET', '/api/sessions', withCookie('x'.repeat(43))), 401, 'UNAUTHORIZED'),
  },
  'DELETE /api/sessions/{id}': {
    auth: 'session',
    probe: { url: `/api/sessions/${a.browser.sessionId}` },
    happy: async () => {
      const me = await person();
      const phone = rememberBrowser(await signIn(ctx, two, me.account.id));
      const ended = await send('DELETE', `/api/sessions/${phone.sessionId}`, me.browser.headers);
      expect(ended.json()).toEqual({ success: true, data: { revoked: true } });
      for (const node of nodes) {
        expect(await sessionStatus(node, phone.cookies)).toBe(401);
        expect(await sessionStatus(node, me.browser.cookies)).toBe(200);
      }
    },
    error: async () => {
      expectRefusal(await send('DELETE', '/api/sessions/abc', a.browser.headers), 422, 'VALIDATION_ERROR');
      expectRefusal(await send('DELETE', '/api/sessions/9007199254740991', a.browser.headers), 404);
    },
  },
  'POST /api/logout': {
    auth: 'session',
    probe: { url: '/api/logout' },
    happy: async () => {
      const me = await person();
      const answer = await send('POST', '/api/logout', me.browser.headers, undefined, two);
      expect(answer.json()).toEqual({ success: true, data: { sessions_revoked: 1 } });
      // Refused at once, on the node that logged it out and on the other.
      for (const node of nodes) expect(await sessionStatus(node, me.browser.cookies)).toBe(401);
    },
    error: async () => {
      const me = await person();
      const bad = await malformedBody('POST', '/api/logout', me.browser.headers);
      expectRefusal(bad, 422, 'VALIDATION_ERROR');
      expect(await sessionStatus(app, me.browser.cookies)).toBe(200);
    },
  },
  'POST /api/logout-everywhere': {
    auth: 'session',
    probe: { url: '/api/logout-everywhere' },
    happy: async () => {
      const me = await person();
      const other = rememberBrowser(await signIn(ctx, two, me.account.id));
      const answer = await send('POST', '/api/logout-everywhere', me.browser.headers);
      expect(answer.json()).toEqual({ success: true, data: { sessions_revoked: 2 } });
      for (const node of nodes)
        for (const browser of [me.browser, other])
          expect(await sessionStatus(node, browser.cookies)).toBe(401);
      expect(await sessionStatus(two, b.browser.cookies)).toBe(200);
    },
    error: async () => {
      const me = await person();
      const bad = await malformedBody('POST', '/api/logout-everywhere', me.browser.headers);
      expectRefusal(bad, 422, 'VALIDATION_ERROR');
      expect(await sessionStatus(app, me.browser.cookies)).toBe(200);
    },
  },
  'POST /api/password': {
    auth: 'session',
    probe: {
      url: '/api/password',
      payload: { current_password: PASSWORD, new_password: 'a new long password' },
    },
    happy: async () => {
      const me = await person();
      const other = rememberBrowser(await signIn(ctx, two, me.account.id));
      remember('a new long password 6');
      const changed = await send('POST', '/api/password', me.browser.headers, {
        current_password: PASSWORD,
        new_password: 'a new long password 6',
      });
      expect(changed.statusCode, changed.body).toBe(200);
      const renewed = rememberBrowser(browserFrom(changed, me.browser));
      for (const node of nodes) {
        expect(await sessionStatus(node, other.cookies)).toBe(401);
        expect(await sessionStatus(node, me.browser.cookies)).toBe(401);
        expect(await sessionStatus(node, renewed.cookies)).toBe(200);
      }
    },
    error: async () => {
      const short = await send('POST', '/api/password', a.browser.headers, {
        current_password: PASSWORD,
        new_password: 'short',
      });
      expectRefusal(short, 422, 'VALIDATION_ERROR');
      const wrong = await send('POST', '/api/password', a.browser.headers, {
        current_password: 'wrong',
        new_password: 'a new long password',
      });
      expectRefusal(wrong, 422);
    },
  },
  'POST /api/2fa/setup': {
    auth: 'session',
    probe: { url: '/api/2fa/setup' },
    happy: async () => {
      const me = await person();
      const setup = await send('POST', '/api/2fa/setup', me.browser.headers);
      remember(setup.json().data.secret);
      expect(setup.json().data.secret).toMatch(/^[A-Z2-7]{32}$/);
    },
    error: async () => {
      const me = await withTwoFactor();
      expectRefusal(await send('POST', '/api/2fa/setup', me.browser.headers), 409, 'CONFLICT');
    },
  },
  'POST /api/2fa/enable': {
    auth: 'session',
    probe: { url: '/api/2fa/enable', payload: { code: '123456' } },
    happy: async () => {
      const me = await withTwoFactor();
      expect(me.recoveryCodes).toHaveLength(10);
      expect(
        (await postLogin(app, { email: me.account.email, password: PASSWORD })).json().error.details,
      ).toEqual({
        mfa_required: true,
      });
      nextStep();
      const code = totpFor(me.secret);
      expect(
        (await postLogin(app, { email: me.account.email, password: PASSWORD, totp_code: code })).statusCode,
      ).toBe(200);
    },
    error: async () => {
      const me = await person();
      const setup = await send('POST', '/api/2fa/setup', me.browser.headers);
      remember(setup.json().data.secret);
      expectRefusal(await send('POST', '/api/2fa/enable', me.browser.headers, { code: 'abcdef' }), 422);
    },
  },
  'POST /api/2fa/disable': {
    auth: 'session',
    probe: { url: '/api/2fa/disable', payload: { password: PASSWORD, code: '123456' } },
    happy: async () => {
      const me = await withTwoFactor();
      nextStep();
      const off = await send('POST', '/api/2fa/disable', me.browser.headers, {
        password: PASSWORD,
        code: totpFor(me.secret),
      });
      expect(off.json()).toEqual({ success: true, data: { enabled: false } });
      expect((await postLogin(app, { email: me.account.email, password: PASSWORD })).statusCode).toBe(200);
    },
    error: async () => {
      const me = await withTwoFactor();
      const wrong = me.recoveryCodes[0]!.replace(/./, (c) => (c === 'a' ? 'b' : 'a'));
      expectRefusal(
        await send('POST', '/api/2fa/disable', me.browser.headers, { password: PASSWORD, code: wrong }),
        422,
      );
    },
  },
  'GET /api/keys': {
    auth: 'session',
    probe: { url: '/api/keys' },
    happy: async () => {
      const listed = (await send('GET', '/api/keys', a.browser.cookies)).json().data;
      expect(listed.map((k: { id: number }) => k.id)).toContain(a.apiKeyId);
      expect(JSON.stringify(listed)).not.toContain(a.apiKey);
    },
    error: async () => void expectRefusal(await send('GET', '/api/keys', withCookie('%')), 401),
  },
  'POST /api/keys': {
    auth: 'session',
    probe: { url: '/api/keys', payload: { name: 'probe' } },
    happy: async () => {
      const created = await send('POST', '/api/keys', a.browser.headers, { name: 'ci', scopes: ['read'] });
      expect(created.statusCode, created.body).toBe(201);
      const { key } = created.json().data;
      remember(key);
      expect((await send('GET', '/api/session', bearer(key))).statusCode).toBe(200);
    },
    error: async () => {
      expectRefusal(
        await send('POST', '/api/keys', a.browser.headers, { name: '' }),
        422,
        'VALIDATION_ERROR',
      );
      expectRefusal(await send('POST', '/api/keys', a.browser.headers, { name: 'x', scopes: ['root'] }), 422);
    },
  },
  'PATCH /api/keys/{id}': {
    auth: 'session',
    probe: { url: `/api/keys/${a.apiKeyId}`, payload: { name: 'probe' } },
    happy: async () => {
      const created = (await send('POST', '/api/keys', a.browser.headers, { name: 'to rename' })).json().data;
      remember(created.key);
      const renamed = await send('PATCH', `/api/keys/${created.id}`, a.browser.headers, {
        name: 'renamed',
        scopes: ['read'],
      });
      expect(renamed.json().data).toMatchObject({ id: created.id, name: 'renamed', scopes: ['read'] });
      // Narrowed from the next request on.
      expectRefusal(await send('GET', '/api/handler-settings', bearer(created.key)), 403, 'FORBIDDEN');
    },
    error: async () => {
      expectRefusal(
        await send('PATCH', `/api/keys/${a.apiKeyId}`, a.browser.headers, {}),
        422,
        'VALIDATION_ERROR',
      );
      expectRefusal(await send('PATCH', '/api/keys/1.5', a.browser.headers, { name: 'x' }), 422);
    },
  },
  'DELETE /api/keys/{id}': {
    auth: 'session',
    probe: { url: `/api/keys/${a.apiKeyId}` },
    happy: async () => {
      const created = (await send('POST', '/api/keys', a.browser.headers, { name: 'to revoke' })).json().data;
      remember(created.key);
      // Both nodes have it cached before it is revoked.
      for (const node of nodes) expect(await sessionStatus(node, bearer(created.key))).toBe(200);
      const revoked = await send('DELETE', `/api/keys/${created.id}`, a.browser.headers);
      expect(revoked.json().data).toMatchObject({ id: created.id, revoked_at: expect.any(String) });
      for (const node of nodes)
        expectRefusal(
          await send('GET', '/api/session', bearer(created.key), undefined, node),
          401,
          'UNAUTHORIZED',
        );
    },
    error: async () => {
      expectRefusal(await send('DELETE', '/api/keys/abc', a.browser.headers), 422, 'VALIDATION_ERROR');
      expectRefusal(await send('DELETE', '/api/keys/2147483647', a.browser.headers), 404, 'NOT_FOUND');
    },
  },
};

const table = Object.entries(routes).map(([route, spec]) => ({
  route,
  method: route.split(' ')[0]!,
  ...spec,
}));
const authenticated = table.filter((r) => r.auth !== 'public');
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** The state changes a session cookie authenticates: each needs its CSRF token. */
const cookieWrites = table.filter(
  (r) => (r.auth === 'session' || r.auth === 'key-or-session') && STATE_CHANGING.has(r.method),
);
const probe = (r: (typeof table)[number], headers: Headers, node: FastifyInstance = app) =>
  send(r.method, r.probe.url, headers, r.probe.payload, node);

describe('the route table', () => {
  it('covers every route the app serves under /api', async () => {
    expect(Object.keys(routes).sort()).toEqual(await routesUnder(app, '/api'));
  });
});

describe.each(table)('$route', (r) => {
  it('happy case', r.happy);
  it('error case: bad input is a 4xx in the envelope', r.error);
});

describe('credentials', () => {
  it('no credentials: 401 on every authenticated route', async () => {
    for (const r of authenticated) expectRefusal(await probe(r, {}), 401, 'UNAUTHORIZED');
  });

  it('session-only routes refuse an API key, whatever its scopes, with 403', async () => {
    for (const r of table.filter((t) => t.auth === 'session'))
      expectRefusal(await probe(r, a.key), 403, 'FORBIDDEN');
  });

  it('routes for a key with a scope refuse a key lacking it with 403', async () => {
    for (const r of table.filter((t) => t.auth === 'key-or-session'))
      expectRefusal(await probe(r, r.billing ? noBillingKey : narrowKey), 403, 'FORBIDDEN');
  });
});

describe("another account's objects", () => {
  it('are 404 to account B: keys, sessions and webhook deliveries, by id', async () => {
    const headers = b.browser.headers;
    expectRefusal(
      await send('PATCH', `/api/keys/${a.apiKeyId}`, headers, { name: 'mine now' }),
      404,
      'NOT_FOUND',
    );
    expectRefusal(await send('DELETE', `/api/keys/${a.apiKeyId}`, headers), 404, 'NOT_FOUND');
    expectRefusal(await send('DELETE', `/api/sessions/${a.browser.sessionId}`, headers), 404, 'NOT_FOUND');
    expectRefusal(
      await send('POST', `/api/webhook-deliveries/${aDelivery}/redeliver`, b.key),
      404,
      'NOT_FOUND',
    );
    // Nor are they listed to B; and A's are untouched.
    const keys = (await send('GET', '/api/keys', b.browser.cookies)).json().data;
    expect(keys.map((k: { id: number }) => k.id)).not.toContain(a.apiKeyId);
    const sessions = (await send('GET', '/api/sessions', b.browser.cookies)).json().data;
    expect(sessions.map((s: { id: number }) => s.id)).not.toContain(a.browser.sessionId);
    const deliveries = (await send('GET', '/api/webhook-deliveries', b.key)).json().data;
    expect(deliveries.map((d: { id: number }) => d.id)).not.toContain(aDelivery);
    expect((await send('GET', '/api/session', a.key)).statusCode).toBe(200);
    expect(await sessionStatus(app, a.browser.cookies)).toBe(200);
    expect((await send('GET', '/api/keys', a.browser.cookies)).json().data).toContainEqual(
      expect.objectContaining({ id: a.apiKeyId, name: expect.any(String), revoked_at: null }),
    );
  });
});

describe('CSRF', () => {
  it('every state-changing cookie-authenticated route needs its own session’s token', async () => {
    expect(cookieWrites.length).toBeGreaterThanOrEqual(10);
    const me = await person();
    const mine = await signIn(ctx, app, me.account.id);
    const sameAccount = rememberBrowser(await signIn(ctx, app, me.account.id));
    rememberBrowser(mine);
    const sessionCookie = mine.cookies.cookie.split('; ').find((p) => p.startsWith(`${SESSION_COOKIE}=`))!;
    const csrfCookieOf = (browser: Browser) =>
      browser.cookies.cookie.split('; ').find((p) => !p.startsWith(`${SESSION_COOKIE}=`))!;
    const refused: Headers[] = [
      mine.cookies,
      { ...mine.cookies, 'x-csrf-token': 'forged' },
      { ...mine.cookies, 'x-csrf-token': '' },
      // Another session's token, with this browser's secret or with that session's own secret.
      { ...mine.cookies, 'x-csrf-token': sameAccount.headers['x-csrf-token'] },
      {
        cookie: `${sessionCookie}; ${csrfCookieOf(sameAccount)}`,
        'x-csrf-token': sameAccount.headers['x-csrf-token'],
      },
      {
        cookie: `${sessionCookie}; ${csrfCookieOf(b.browser)}`,
        'x-csrf-token': b.browser.headers['x-csrf-token'],
      },
    ];
    for (const r of cookieWrites) {
      for (const headers of refused) expectRefusal(await probe(r, headers), 403, 'FORBIDDEN');
      // The right token passes the check: the request goes on to be read (and is refused for its body).
      expectRefusal(await malformedBody(r.method, r.probe.url, mine.headers), 422, 'VALIDATION_ERROR');
    }
    // Nothing was done: the session is open, its keys are as they were, 2FA was not set up.
    expect(await sessionStatus(app, mine.cookies)).toBe(200);
    const keys = (await send('GET', '/api/keys', mine.cookies)).json().data;
    expect(keys).toEqual([expect.objectContaining({ id: me.apiKeyId, revoked_at: null })]);
  });
});

describe('ending sessions and keys', () => {
  it('a logged-out session and a revoked key are refused at once on both nodes', async () => {
    const me = await person();
    const there = rememberBrowser(await signIn(ctx, two, me.account.id));
    expect((await send('POST', '/api/logout', there.headers, undefined, two)).statusCode).toBe(200);
    for (const node of nodes) {
      expect(await sessionStatus(node, there.cookies)).toBe(401);
      for (const r of authenticated) expectRefusal(await probe(r, there.headers, node), 401, 'UNAUTHORIZED');
    }
    for (const node of nodes) expect(await sessionStatus(node, me.key)).toBe(200);
    expect((await send('DELETE', `/api/keys/${me.apiKeyId}`, me.browser.headers)).statusCode).toBe(200);
    for (const node of nodes)
      for (const r of authenticated.filter((t) => t.auth !== 'session'))
        expectRefusal(await probe(r, me.key, node), 401, 'UNAUTHORIZED');
  });
});

describe('enumeration', () => {
  const shape = (answer: LightMyRequestResponse) => ({
    status: answer.statusCode,
    body: answer.json(),
    cookies: cookiesSet(answer.headers['set-cookie']).map((pair) => pair.split('=')[0]),
  });

  it('sign-up and password reset answer the same for known and unknown e-mails', async () => {
    const nobody = uniqueEmail('nobody');
    const signUp = (email: string) => send('POST', '/api/signup', {}, { email, password: 'a long pass 7' });
    const reset = (email: string) => send('POST', '/api/password-reset', {}, { email });
    expect(shape(await signUp(a.account.email))).toEqual(shape(await signUp(nobody)));
    expect(shape(await reset(b.account.email))).toEqual(shape(await reset(uniqueEmail('nobody'))));
  });

  it('login answers the same for an unknown e-mail and a wrong password', async () => {
    const unknown = await postLogin(app, { email: uniqueEmail('nobody'), password: 'wrong password' });
    const wrong = await postLogin(app, { email: a.account.email, password: 'wrong password' });
    expect(shape(unknown)).toEqual(shape(wrong));
    expectRefusal(unknown, 401, 'UNAUTHORIZED');
  });
});

describe('login throttling (its own context: the configured limits)', async () => {
  const ACCOUNT_FAILURES = 3;
  const IP_FAILURES = 6;
  const guarded = await createTestApp(
    await contextOn(
      ctx.url,
      {
        NUMPOOL_SECRET: ctx.secret,
        NUMPOOL_LOGIN_ACCOUNT_FAILURES: String(ACCOUNT_FAILURES),
        NUMPOOL_LOGIN_IP_FAILURES: String(IP_FAILURES),
      },
      { log },
    ),
  );
  let addresses = 0;
  const newAddress = () => `10.77.0.${++addresses}`;
  const expectThrottled = (answer: LightMyRequestResponse) => {
    const error = expectRefusal(answer, 429, 'RATE_LIMIT_EXCEEDED');
    expect(Number(answer.headers['retry-after'])).toBe(error.details!.retry_after_seconds);
    expect(answer.headers['set-cookie']).toBeUndefined();
  };

  it('per account: after the configured failures, even the right password gets 429, from any address', async () => {
    const me = await person();
    for (let i = 0; i < ACCOUNT_FAILURES; i++)
      expectRefusal(
        await postLogin(
          guarded,
          { email: me.account.email, password: `wrong ${i}` },
          { address: newAddress() },
        ),
        401,
      );
    expectThrottled(
      await postLogin(guarded, { email: me.account.email, password: PASSWORD }, { address: newAddress() }),
    );
  });

  it('per address: after the configured failures across accounts, any login from it gets 429', async () => {
    const address = newAddress();
    for (let i = 0; i < IP_FAILURES; i++)
      expectRefusal(
        await postLogin(guarded, { email: uniqueEmail('guess'), password: 'wrong' }, { address }),
        401,
      );
    const me = await person();
    expectThrottled(await postLogin(guarded, { email: me.account.email, password: PASSWORD }, { address }));
    expect(
      (await postLogin(guarded, { email: me.account.email, password: PASSWORD }, { address: newAddress() }))
        .statusCode,
    ).toBe(200);
  });
});

describe('malformed credentials never cause a 5xx', () => {
  const unknownToken = randomBytes(32).toString('base64url');
  const authorizations = [
    `Bearer ${'a'.repeat(16_384)}`,
    'Bearer \u0000abc',
    'Bearer ключ🔑',
    'Bearer',
    'Basic dXNlcjpwYXNz',
    `Bearer ${'0'.repeat(32)} extra`,
    'Bearer %00%ff',
  ];
  const cookies = [
    `${SESSION_COOKIE}=garbage`,
    `${SESSION_COOKIE}=${'x'.repeat(8192)}`,
    `${SESSION_COOKIE}=%E0%A4%A`,
    `${SESSION_COOKIE}=%zz`,
    `${SESSION_COOKIE}="quoted"`,
    `${SESSION_COOKIE}=\u0000`,
    `${SESSION_COOKIE}=${unknownToken}`,
    `${SESSION_COOKIE}=a; ${SESSION_COOKIE}=b`,
    `${SESSION_COOKIE}=${unknownToken}; ${SESSION_COOKIE}=${unknownToken}`,
    `${SESSION_COOKIE}=сессия`,
    `${SESSION_COOKIE}`,
    ';;;===',
  ];

  it('Authorization headers and session cookies, on every authenticated route', async () => {
    for (const r of authenticated) {
      for (const authorization of authorizations) expectClientError(await probe(r, { authorization }));
      for (const cookie of cookies) {
        expectClientError(await probe(r, { cookie }));
        expectClientError(await probe(r, { cookie, 'x-csrf-token': 'x' }));
      }
    }
  });

  it('CSRF tokens, on every state-changing cookie route', async () => {
    const me = await person();
    const tokens = [
      '',
      'x'.repeat(20_000),
      'токен🔑',
      '\u0000',
      b.browser.headers['x-csrf-token'],
      '..',
      'a-b-c',
    ];
    for (const r of cookieWrites)
      for (const token of tokens)
        expectRefusal(await probe(r, { ...me.browser.cookies, 'x-csrf-token': token }), 403);
    expect(await sessionStatus(app, me.browser.cookies)).toBe(200);
  });

  it('TOTP and recovery codes, on login and the 2FA routes', async () => {
    const me = await withTwoFactor();
    const bad = [
      '',
      'abcdef',
      '12345',
      '1234567',
      '1'.repeat(10_240),
      '١٢٣٤٥٦',
      '12345６',
      '🔢🔢🔢',
      '\u0000',
    ];
    for (const code of bad) {
      for (const field of ['totp_code', 'recovery_code'])
        expectClientError(
          await postLogin(app, { email: me.account.email, password: PASSWORD, [field]: code }),
        );
      expectClientError(
        await send('POST', '/api/2fa/disable', me.browser.headers, { password: PASSWORD, code }),
      );
    }
    // Enable on an account that has only set 2FA up.
    const other = await person();
    remember((await send('POST', '/api/2fa/setup', other.browser.headers)).json().data.secret);
    for (const code of bad)
      expectClientError(await send('POST', '/api/2fa/enable', other.browser.headers, { code }));
    // Still on, still the same: the real code signs in.
    nextStep();
    const code = totpFor(me.secret);
    expect(
      (await postLogin(app, { email: me.account.email, password: PASSWORD, totp_code: code })).statusCode,
    ).toBe(200);
  });
});

describe('logs', () => {
  it('carry no password, session or CSRF token, TOTP code or secret, recovery code, API key, webhook secret or OIDC code', () => {
    expect(lines.length).toBeGreaterThan(100);
    const output = lines.join('\n');
    expect(output).toContain('"msg":"request"');
    for (const secret of secrets) expect(output.includes(secret), `a log line carries ${secret}`).toBe(false);
    for (const code of codes)
      expect(new RegExp(`(?<![0-9])${code}(?![0-9])`).test(output), `a log line carries ${code}`).toBe(false);
  });
});
