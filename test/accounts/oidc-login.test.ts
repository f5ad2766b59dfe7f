import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAccount } from '../../src/accounts/create-account.ts';
import { resolveSession } from '../../src/accounts/sessions/resolve-session.ts';
import { SESSION_COOKIE } from '../../src/api/plugins/session-cookie.ts';
import { listAudit } from '../../src/audit/list-audit.ts';
import { seal } from '../../src/platform/secret-box.ts';
import { uniqueEmail } from '../support/factories.ts';
import { startOidcProvider } from '../support/oidc-provider.ts';
import { cookiesSet } from '../support/sign-in.ts';
import { createTestApp } from '../support/test-app.ts';
import { createTestContext } from '../support/test-database.ts';

const PUBLIC_URL = 'http://127.0.0.1:8080';
const provider = await startOidcProvider({ redirectUri: `${PUBLIC_URL}/api/oidc/callback` });
const ctx = await createTestContext({
  NUMPOOL_PUBLIC_URL: PUBLIC_URL,
  NUMPOOL_OIDC_ISSUER: provider.issuer,
  NUMPOOL_OIDC_CLIENT_ID: provider.clientId,
  NUMPOOL_OIDC_CLIENT_SECRET: provider.clientSecret,
});
const app = await createTestApp(ctx);

const cookieValue = (setCookie: string | string[] | undefined, name: string) =>
  cookiesSet(setCookie)
    .find((pair) => pair.startsWith(`${name}=`))
    ?.slice(name.length + 1);

/** A browser signing in: numpool → provider (login, consent) → numpool's callback. */
async function signInWithProvider(user: Parameters<typeof provider.signInAs>[0], returnTo?: string) {
  provider.signInAs(user);
  const start = await app.inject({
    method: 'GET',
    url: `/api/oidc/login${returnTo ? `?return_to=${encodeURIComponent(returnTo)}` : ''}`,
  });
  expect(start.statusCode).toBe(302);
  const flow = cookieValue(start.headers['set-cookie'], 'numpool_oidc');
  const back = await provider.authorize(String(start.headers.location));
  expect(back.origin).toBe(PUBLIC_URL);
  return app.inject({
    method: 'GET',
    url: `${back.pathname}${back.search}`,
    headers: { cookie: `numpool_oidc=${flow}` },
  });
}

describe('sign-in with an OpenID Connect provider', () => {
  it('is advertised when configured', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/oidc' })).json().data).toEqual({ enabled: true });
  });

  it('creates an account for a new verified identity, opens a session and returns to the page asked for', async () => {
    const email = uniqueEmail('oidc');
    const done = await signInWithProvider(
      { sub: `u-${randomBytes(4).toString('hex')}`, email, email_verified: true },
      '/orders?x=1',
    );
    expect(done.statusCode).toBe(302);
    expect(done.headers.location).toBe('/orders?x=1');
    const token = cookieValue(done.headers['set-cookie'], SESSION_COOKIE)!;
    const session = await app.inject({
      method: 'GET',
      url: '/api/session',
      headers: { cookie: `${SESSION_COOKIE}=${token}` },
    });
    expect(session.json().data.account).toMatchObject({ email, role: 'customer' });
    const accountId = session.json().data.account.id;
    const actions = (await listAudit({ ctx, input: { actorAccountId: accountId } })).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['account.signup', 'account.oidc_linked', 'session.login']),
    );
    // The account has no password: only the provider signs it in.
    const stored = await ctx.pool.query('SELECT password_hash FROM accounts WHERE id = $1', [accountId]);
    expect(stored.rows[0].password_hash).toBeNull();
  });

  it('signs the same identity in to the same account again, and links an existing account by verified e-mail', async () => {
    const email = uniqueEmail('existing');
    const { account } = await createAccount({
      ctx,
      input: { email, role: 'customer', password: 'a long password' },
    });
    const user = { sub: `u-${randomBytes(4).toString('hex')}`, email, email_verified: true };
    for (let i = 0; i < 2; i++) {
      const done = await signInWithProvider(user);
      const token = cookieValue(done.headers['set-cookie'], SESSION_COOKIE)!;
      expect((await resolveSession({ ctx, input: { token } }))?.accountId).toBe(account.id);
    }
    const links = await ctx.pool.query(
      'SELECT count(*)::int AS n FROM oidc_identities WHERE account_id = $1',
      [account.id],
    );
    expect(links.rows[0].n).toBe(1);
  });

  it('refuses an identity whose e-mail the provider did not verify, and never takes over an account by it', async () => {
    const email = uniqueEmail('victim');
    await createAccount({ ctx, input: { email, role: 'customer', password: 'a long password' } });
    const done = await signInWithProvider({
      sub: `u-${randomBytes(4).toString('hex')}`,
      email,
      email_verified: false,
    });
    expect(done.statusCode).toBe(401);
    expect(done.json().error.code).toBe('UNAUTHORIZED');
    expect(cookieValue(done.headers['set-cookie'], SESSION_COOKIE)).toBeUndefined();
  });

  it('refuses a callback without the flow cookie, with a forged or expired one, or with a wrong state', async () => {
    provider.signInAs({ sub: 'forged-flow', email: uniqueEmail(), email_verified: true });
    const start = await app.inject({ method: 'GET', url: '/api/oidc/login' });
    const flow = cookieValue(start.headers['set-cookie'], 'numpool_oidc')!;
    const back = await provider.authorize(String(start.headers.location));
    const callback = `${back.pathname}${back.search}`;
    const expired = seal(
      ctx.secret,
      JSON.stringify({ state: 's', nonce: 'n', verifier: 'v', returnTo: '/', expiresAt: 1 }),
    );
    // A changed character in the ciphertext, not a trailing one (base64url may ignore trailing bits).
    const at = flow.length - 10;
    const tampered = `${flow.slice(0, at)}${flow[at] === 'A' ? 'B' : 'A'}${flow.slice(at + 1)}`;
    for (const cookie of [
      undefined,
      'numpool_oidc=garbage',
      `numpool_oidc=${expired}`,
      `numpool_oidc=${tampered}`,
    ]) {
      const response = await app.inject({ method: 'GET', url: callback, headers: cookie ? { cookie } : {} });
      expect(response.statusCode, cookie).toBe(401);
    }
    const wrongState = callback.replace(/state=[^&]+/, 'state=not-the-state');
    expect(
      (await app.inject({ method: 'GET', url: wrongState, headers: { cookie: `numpool_oidc=${flow}` } }))
        .statusCode,
    ).toBe(401);
    // The code itself is still good once: the real callback succeeds, and a replay of it does not.
    const ok = await app.inject({
      method: 'GET',
      url: callback,
      headers: { cookie: `numpool_oidc=${flow}` },
    });
    expect(ok.statusCode).toBe(302);
    const replay = await app.inject({
      method: 'GET',
      url: callback,
      headers: { cookie: `numpool_oidc=${flow}` },
    });
    expect(replay.statusCode).toBe(401);
  });

  it('redirects only to paths on this site', async () => {
    for (const evil of [
      'https://evil.example/',
      '//evil.example/',
      '/\\evil.example',
      'javascript:alert(1)',
    ]) {
      const done = await signInWithProvider(
        { sub: `u-${randomBytes(4).toString('hex')}`, email: uniqueEmail(), email_verified: true },
        evil,
      );
      expect(done.headers.location).toBe('/');
    }
  });

  it('a provider error in the callback (access denied) is a clear 401, never a 500', async () => {
    const start = await app.inject({ method: 'GET', url: '/api/oidc/login' });
    const flow = cookieValue(start.headers['set-cookie'], 'numpool_oidc')!;
    const state = new URL(String(start.headers.location)).searchParams.get('state');
    const response = await app.inject({
      method: 'GET',
      url: `/api/oidc/callback?error=access_denied&state=${state}&iss=${encodeURIComponent(provider.issuer)}`,
      headers: { cookie: `numpool_oidc=${flow}` },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.message).toContain('access_denied');
  });
});

describe('sign-in with a provider that is not configured or not reachable', () => {
  it('answers 404 when not configured, 503 when the issuer is down', async () => {
    const plain = await createTestApp(await createTestContext());
    expect((await plain.inject({ method: 'GET', url: '/api/oidc' })).json().data).toEqual({ enabled: false });
    expect((await plain.inject({ method: 'GET', url: '/api/oidc/login' })).statusCode).toBe(404);
    const down = await createTestApp(
      await createTestContext({
        NUMPOOL_OIDC_ISSUER: 'http://127.0.0.1:9/',
        NUMPOOL_OIDC_CLIENT_ID: 'x',
        NUMPOOL_OIDC_CLIENT_SECRET: 'y',
      }),
    );
    const response = await down.inject({ method: 'GET', url: '/api/oidc/login' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBeDefined();
  });
});
