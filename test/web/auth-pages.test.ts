/**
 * The sign-up, verification, password-reset, login and account pages over plain HTTP (app.inject, no
 * browser): every form's success and refusal, CSRF on the signed-in forms, the login's `next` kept on the
 * site, and the gates (login redirect, another account's session answered 404). Mail goes over real SMTP
 * to a receiver on loopback.
 */
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { findAccount } from '../../src/accounts/find-account.ts';
import { createSession } from '../../src/accounts/sessions/create-session.ts';
import { totpCodeAt } from '../../src/accounts/totp/totp.ts';
import { en } from '../../web/src/i18n/messages/en.ts';
import { ru } from '../../web/src/i18n/messages/ru.ts';
import { createCustomer, uniqueEmail } from '../support/factories.ts';
import { PASSWORD, postLogin } from '../support/log-in.ts';
import { linkToken, startSmtpReceiver } from '../support/smtp-receiver.ts';
import { createTestApp } from '../support/test-app.ts';
import { TestClock } from '../support/test-clock.ts';
import { createTestContext } from '../support/test-database.ts';

const smtp = await startSmtpReceiver();
const clock = new TestClock();
const ctx = await createTestContext({ SMTP_URL: smtp.url }, { clock });
const app = await createTestApp(ctx);

const NEW_PASSWORD = 'a brand new passphrase';
const escaped = (text: string) => text.replaceAll("'", '&#39;');

/** A browser without JavaScript: keeps cookies, posts forms as urlencoded from the site's own origin. */
class Visitor {
  private readonly jar = new Map<string, string>();

  get cookie(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  private absorb(response: LightMyRequestResponse) {
    for (const line of [response.headers['set-cookie'] ?? []].flat()) {
      const pair = line.split(';', 1)[0]!;
      const at = pair.indexOf('=');
      const value = pair.slice(at + 1);
      if (value === '' || /max-age=0/i.test(line)) this.jar.delete(pair.slice(0, at));
      else this.jar.set(pair.slice(0, at), value);
    }
    return response;
  }

  async get(url: string) {
    return this.absorb(
      await app.inject({ method: 'GET', url, headers: { cookie: this.cookie, 'accept-language': 'en' } }),
    );
  }

  async post(url: string, fields: Record<string, string>) {
    return this.absorb(
      await app.inject({
        method: 'POST',
        url,
        headers: {
          cookie: this.cookie,
          'accept-language': 'en',
          'content-type': 'application/x-www-form-urlencoded',
          origin: 'http://localhost',
        },
        payload: new URLSearchParams(fields).toString(),
      }),
    );
  }

  /** Logs in through the login form. */
  async logIn(email: string, password = PASSWORD, extra: Record<string, string> = {}) {
    const answer = await this.post('/login?next=%2Faccount', { email, password, ...extra });
    expect(answer.statusCode, answer.body).toBe(303);
    expect(answer.headers.location).toBe('/account');
  }
}

const secretOn = (html: string) => /data-testid="totp-secret"[^>]*>([^<]*)</.exec(html)?.[1] ?? '';
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const canLogIn = async (email: string, password: string) =>
  (await postLogin(app, { email, password })).statusCode === 200;

async function signedIn() {
  const { account } = await createCustomer(ctx);
  const visitor = new Visitor();
  await visitor.logIn(account.email);
  const page = await visitor.get('/account');
  expect(page.statusCode).toBe(200);
  return { account, visitor, csrf: csrfOf(page.body) };
}

describe('sign-up and the verification link', () => {
  it('refuses passwords that differ, and a password the API refuses, without sending mail', async () => {
    const visitor = new Visitor();
    const email = uniqueEmail('typo');
    const differ = await visitor.post('/signup', {
      email,
      new_password: NEW_PASSWORD,
      repeat_password: `${NEW_PASSWORD}!`,
    });
    expect(differ.statusCode).toBe(422);
    expect(differ.body).toContain('role="alert"');
    expect(differ.body).toContain(en['auth.passwordsDiffer']);
    // The address is kept, the passwords are not.
    expect(differ.body).toContain(`value="${email}"`);
    expect(differ.body).not.toContain(NEW_PASSWORD);

    const short = await visitor.post('/signup', { email, new_password: 'short', repeat_password: 'short' });
    expect(short.statusCode).toBe(422);
    expect(short.body).toMatch(/at least 8 characters/);
    await expect(findAccount({ ctx, input: { ref: email } })).rejects.toThrow(/no account/);
  });

  it('signs up, says to check the mail, and verifies only when the button on the link’s page is pressed', async () => {
    const visitor = new Visitor();
    const email = uniqueEmail('signup');
    const form = await visitor.get('/signup');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain(en['auth.signup.title']);

    const signedUp = await visitor.post('/signup', {
      email,
      new_password: NEW_PASSWORD,
      repeat_password: NEW_PASSWORD,
    });
    expect(signedUp.statusCode, signedUp.body).toBe(303);
    expect(signedUp.headers.location).toBe('/signup/sent');
    const sent = await visitor.get('/signup/sent');
    expect(sent.body).toContain(en['auth.signup.sentTitle']);

    const token = linkToken((await smtp.waitForMail(email)).text, 'verify-email');
    // Opening the link (as a mail scanner would) spends nothing.
    const opened = await visitor.get(`/verify-email?token=${token}`);
    expect(opened.statusCode).toBe(200);
    expect(opened.headers['cache-control']).toBe('no-store');
    expect(opened.body).toContain(`name="token" value="${token}"`);
    expect((await findAccount({ ctx, input: { ref: email } })).emailVerifiedAt).toBeNull();

    const confirmed = await visitor.post('/verify-email', { token });
    expect(confirmed.statusCode).toBe(303);
    expect(confirmed.headers.location).toBe('/verify-email?verified=1');
    expect((await visitor.get('/verify-email?verified=1')).body).toContain(en['auth.verify.doneText']);
    expect((await findAccount({ ctx, input: { ref: email } })).emailVerifiedAt).not.toBeNull();
    expect(await canLogIn(email, NEW_PASSWORD)).toBe(true);

    const again = await visitor.post('/verify-email', { token });
    expect(again.statusCode).toBe(422);
    expect(again.body).toContain(escaped(en['auth.verify.invalid']));
    expect(again.body).not.toContain(en['auth.verify.submit']);
  });

  it('sends a fresh link when asked from the sent page, answering every address the same', async () => {
    const visitor = new Visitor();
    const email = uniqueEmail('resend');
    await visitor.post('/signup', { email, new_password: NEW_PASSWORD, repeat_password: NEW_PASSWORD });
    await smtp.waitForMail(email);
    expect((await visitor.get('/signup/sent')).body).toContain('href="/verify-email/resend"');
    const form = await visitor.get('/verify-email/resend');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain(en['auth.resend.lead']);

    const known = await visitor.post('/verify-email/resend', { email });
    const unknown = await visitor.post('/verify-email/resend', { email: uniqueEmail('nobody') });
    for (const answer of [known, unknown]) {
      expect(answer.statusCode).toBe(303);
      expect(answer.headers.location).toBe('/verify-email/resend?sent=1');
    }
    expect((await visitor.get('/verify-email/resend?sent=1')).body).toContain(en['auth.resend.sent']);
    // The link is the reset page's: choosing the password there confirms the address.
    const token = linkToken((await smtp.waitForMail(email)).text, 'reset-password');
    const chosen = await visitor.post('/reset-password', {
      token,
      new_password: 'the password chosen now',
      repeat_password: 'the password chosen now',
    });
    expect(chosen.statusCode).toBe(303);
    expect((await findAccount({ ctx, input: { ref: email } })).emailVerifiedAt).not.toBeNull();
    expect(await canLogIn(email, 'the password chosen now')).toBe(true);

    const bad = await visitor.post('/verify-email/resend', { email: 'not an address' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('role="alert"');
  });

  it('says so when the link has no token', async () => {
    const page = await new Visitor().get('/verify-email');
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain(en['auth.verify.missing']);
  });
});

describe('password reset', () => {
  it('answers every address the same, and the mailed link sets a new password once', async () => {
    const { account } = await createCustomer(ctx);
    const visitor = new Visitor();
    const known = await visitor.post('/password-reset', { email: account.email });
    const unknown = await visitor.post('/password-reset', { email: uniqueEmail('nobody') });
    for (const answer of [known, unknown]) {
      expect(answer.statusCode).toBe(303);
      expect(answer.headers.location).toBe('/password-reset?sent=1');
    }
    expect((await visitor.get('/password-reset?sent=1')).body).toContain(en['auth.reset.sent']);

    const token = linkToken((await smtp.waitForMail(account.email)).text, 'reset-password');
    const page = await visitor.get(`/reset-password?token=${token}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`name="token" value="${token}"`);

    const differ = await visitor.post('/reset-password', {
      token,
      new_password: NEW_PASSWORD,
      repeat_password: 'something else entirely',
    });
    expect(differ.statusCode).toBe(422);
    const short = await visitor.post('/reset-password', { token, new_password: 'x', repeat_password: 'x' });
    expect(short.statusCode).toBe(422);
    expect(short.body).toContain('role="alert"');
    expect(await canLogIn(account.email, PASSWORD)).toBe(true);

    // A refused password left the link usable.
    const reset = await visitor.post('/reset-password', {
      token,
      new_password: NEW_PASSWORD,
      repeat_password: NEW_PASSWORD,
    });
    expect(reset.statusCode).toBe(303);
    expect(reset.headers.location).toBe('/reset-password?done=1');
    expect((await visitor.get('/reset-password?done=1')).body).toContain(en['auth.resetConfirm.done']);
    expect(await canLogIn(account.email, NEW_PASSWORD)).toBe(true);
    expect(await canLogIn(account.email, PASSWORD)).toBe(false);

    const reused = await visitor.post('/reset-password', {
      token,
      new_password: 'yet another passphrase',
      repeat_password: 'yet another passphrase',
    });
    expect(reused.statusCode).toBe(422);
    expect(reused.body).toMatch(/invalid or has expired/);
  });

  it('refuses a malformed address, and sends a link without a token to the request form', async () => {
    const visitor = new Visitor();
    const bad = await visitor.post('/password-reset', { email: 'not an address' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('role="alert"');
    const bare = await visitor.get('/reset-password');
    expect(bare.statusCode).toBe(303);
    expect(bare.headers.location).toBe('/password-reset');
  });
});

describe('login', () => {
  it('keeps `next` on the site', async () => {
    const { account } = await createCustomer(ctx);
    for (const next of ['https://evil.example/', '//evil.example', '/\\evil.example']) {
      const visitor = new Visitor();
      const page = await visitor.get(`/login?next=${encodeURIComponent(next)}`);
      expect(page.body).toContain('name="next" value="/orders"');
      const answer = await visitor.post(`/login?next=${encodeURIComponent(next)}`, {
        email: account.email,
        password: PASSWORD,
        next,
      });
      expect(answer.statusCode).toBe(303);
      expect(answer.headers.location).toBe('/orders');
      // Signed in, the login page sends the visitor on, still only within the site.
      const again = await visitor.get(`/login?next=${encodeURIComponent(next)}`);
      expect(again.headers.location).toBe('/orders');
    }
  });

  it('acts only on posts from the site’s own pages (Sec-Fetch-Site, else Origin)', async () => {
    const { account } = await createCustomer(ctx);
    const post = (headers: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: '/login',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        payload: new URLSearchParams({ email: account.email, password: PASSWORD }).toString(),
      });
    const refusedPosts: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      {},
      { origin: 'http://localhost:8080' },
      { 'sec-fetch-site': 'cross-site', origin: 'http://localhost' },
      { 'sec-fetch-site': 'same-site', origin: 'null' },
    ];
    for (const headers of refusedPosts) {
      const refused = await post(headers);
      expect(refused.statusCode, JSON.stringify(headers)).toBe(403);
      expect(refused.headers['set-cookie'] ?? '').not.toMatch(/numpool_session=/);
    }
    const takenPosts: Record<string, string>[] = [
      { origin: new URL(ctx.config.publicUrl).origin },
      { origin: 'http://localhost' },
      // What a browser sends from the site's own page under Referrer-Policy: no-referrer.
      { 'sec-fetch-site': 'same-origin', origin: 'null' },
    ];
    for (const headers of takenPosts) {
      const taken = await post(headers);
      expect(taken.statusCode, JSON.stringify(headers)).toBe(303);
      expect(String(taken.headers['set-cookie'])).toMatch(/numpool_session=/);
    }
  });

  it('refuses a wrong password in the page', async () => {
    const { account } = await createCustomer(ctx);
    const answer = await new Visitor().post('/login', { email: account.email, password: 'not the password' });
    expect(answer.statusCode).toBe(401);
    expect(answer.body).toContain('role="alert"');
    expect(answer.headers['set-cookie'] ?? '').not.toMatch(/numpool_session=[^;]/);
  });
});

describe('the account page', () => {
  it('sends a visitor who is not signed in to log in, and back after', async () => {
    const visitor = new Visitor();
    const page = await visitor.get('/account');
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/login?next=%2Faccount');
    // A post without a session changes nothing and lands on the same gate.
    const post = await visitor.post('/account', { intent: 'logout-everywhere' });
    expect(post.statusCode).toBe(303);
    expect(post.headers.location).toBe('/login?next=%2Faccount');
  });

  it('shows the address, whether it is confirmed, two-factor off and this device', async () => {
    const { account, visitor } = await signedIn();
    const page = await visitor.get('/account');
    expect(page.body).toContain(account.email);
    // Operator-made accounts (the factory's) count as verified.
    expect(page.body).toMatch(
      new RegExp(`data-testid="email-state"[^>]*>\\s*${en['auth.account.verified']}`),
    );
    expect(page.body).toContain(en['auth.twoFactor.off']);
    expect(page.body.match(/data-testid="session"/g)).toHaveLength(1);
    expect(page.body).toContain(en['auth.sessions.current']);
    expect(page.headers['cache-control']).toBe('no-store');
    // Signed in, sign-up leads here.
    expect((await visitor.get('/signup')).headers.location).toBe('/account');
  });

  it('speaks the visitor’s language', async () => {
    const { visitor } = await signedIn();
    const page = await app.inject({
      method: 'GET',
      url: '/account?lang=ru',
      headers: { cookie: visitor.cookie },
    });
    expect(page.body).toContain('<html lang="ru"');
    for (const key of ['auth.account.title', 'auth.twoFactor.off', 'auth.sessions.everywhere'] as const)
      expect(page.body).toContain(ru[key]);
    const signup = await app.inject({ method: 'GET', url: '/signup', headers: { 'accept-language': 'ru' } });
    expect(signup.body).toContain(ru['auth.signup.title']);
  });

  it('shows an unconfirmed address as such', async () => {
    const visitor = new Visitor();
    const email = uniqueEmail('unconfirmed');
    await visitor.post('/signup', { email, new_password: NEW_PASSWORD, repeat_password: NEW_PASSWORD });
    await smtp.waitForMail(email);
    // Until the link is followed there is no password to log in with; a session stands in for one.
    const found = await findAccount({ ctx, input: { ref: email } });
    const session = await createSession({ ctx, input: { accountId: found.id } });
    const page = await app.inject({
      method: 'GET',
      url: '/account',
      headers: { cookie: `numpool_session=${session.token}`, 'accept-language': 'en' },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(en['auth.account.unverified']);
    expect(page.body).toContain(en['auth.account.unverifiedHint']);
    expect(page.body).toContain('href="/verify-email/resend"');
    // The address is filled in for a signed-in visitor.
    const resend = await app.inject({
      method: 'GET',
      url: '/verify-email/resend',
      headers: { cookie: `numpool_session=${session.token}`, 'accept-language': 'en' },
    });
    expect(resend.body).toContain(`value="${email}"`);
  });

  it('changes the password with the current one; refuses a wrong one and a post without the page token', async () => {
    const { account, visitor, csrf } = await signedIn();
    const fields = { intent: 'change-password', new_password: NEW_PASSWORD, repeat_password: NEW_PASSWORD };

    const forged = await visitor.post('/account', { ...fields, current_password: PASSWORD });
    expect(forged.statusCode).toBe(403);
    expect(forged.body).toContain('role="alert"');
    const wrong = await visitor.post('/account', { ...fields, current_password: 'not it', _csrf: csrf });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.body).toMatch(/current_password is not the account(&#39;|')s password/);
    expect(wrong.body).toContain('role="alert"');
    const differ = await visitor.post('/account', {
      ...fields,
      repeat_password: 'a different one',
      current_password: PASSWORD,
      _csrf: csrf,
    });
    expect(differ.statusCode).toBe(422);
    expect(differ.body).toContain(en['auth.passwordsDiffer']);
    expect(await canLogIn(account.email, PASSWORD)).toBe(true);

    const changed = await visitor.post('/account', { ...fields, current_password: PASSWORD, _csrf: csrf });
    expect(changed.statusCode).toBe(303);
    expect(changed.headers.location).toBe('/account?done=password');
    // This browser got the renewed session with the redirect.
    const after = await visitor.get('/account?done=password');
    expect(after.statusCode).toBe(200);
    expect(after.body).toContain(en['auth.changePassword.done']);
    expect(await canLogIn(account.email, NEW_PASSWORD)).toBe(true);
    expect(await canLogIn(account.email, PASSWORD)).toBe(false);
  });

  it('sets two-factor sign-in up with a QR code, turns it on with a code, and off with password and code', async () => {
    const { account, visitor, csrf } = await signedIn();
    const forged = await visitor.post('/account', { intent: 'two-factor-setup' });
    expect(forged.statusCode).toBe(403);
    expect(forged.body).not.toContain('data-testid="totp-secret"');

    const setup = await visitor.post('/account', { intent: 'two-factor-setup', _csrf: csrf });
    expect(setup.statusCode).toBe(200);
    const secret = secretOn(setup.body);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(setup.body).toMatch(/<div class="qr"[^>]*role="img"[^>]*>\s*<svg/);
    const otpauthUrl = /name="otpauth_url" value="([^"]+)"/.exec(setup.body)![1]!.replaceAll('&amp;', '&');
    expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\//);

    // A wrong code keeps the same key on the page, to try again.
    const enableForm = { intent: 'two-factor-enable', secret, otpauth_url: otpauthUrl, _csrf: csrf };
    const wrong = await visitor.post('/account', { ...enableForm, code: '000000' });
    expect(wrong.statusCode).toBe(422);
    expect(secretOn(wrong.body)).toBe(secret);
    expect(wrong.body).toContain('role="alert"');

    const enabled = await visitor.post('/account', { ...enableForm, code: totpCodeAt(secret, clock.now()) });
    expect(enabled.statusCode).toBe(200);
    const list = /data-testid="recovery-codes".*?<\/ul>/s.exec(enabled.body)?.[0] ?? '';
    const codes = [...list.matchAll(/<code[^>]*>([^<]+)<\/code>/g)].map((m) => m[1]);
    expect(codes).toHaveLength(10);
    // The page came with the renewed session, and its forms carry that session's token.
    const renewed = csrfOf(enabled.body);
    expect(renewed).not.toBe(csrf);
    const shown = await visitor.get('/account');
    expect(shown.body).toContain(en['auth.twoFactor.on']);
    expect(shown.body).not.toContain(codes[0]!);

    const login = new Visitor();
    const withoutCode = await login.post('/login', { email: account.email, password: PASSWORD });
    expect(withoutCode.statusCode).toBe(401);
    expect(withoutCode.body).toContain(en['auth.login.mfa']);
    clock.advance(30_000);
    await login.logIn(account.email, PASSWORD, { totp_code: totpCodeAt(secret, clock.now()) });

    const token = csrfOf(shown.body);
    const badOff = await visitor.post('/account', {
      intent: 'two-factor-disable',
      password: 'not it',
      code: codes[0]!,
      _csrf: token,
    });
    expect(badOff.statusCode).toBe(422);
    expect(badOff.body).toContain(en['auth.twoFactor.on']);
    const off = await visitor.post('/account', {
      intent: 'two-factor-disable',
      password: PASSWORD,
      code: codes[0]!,
      _csrf: token,
    });
    expect(off.statusCode).toBe(303);
    expect(off.headers.location).toBe('/account?done=two-factor-off');
    const offPage = await visitor.get('/account?done=two-factor-off');
    expect(offPage.body).toContain(en['auth.twoFactor.disabled']);
    expect(offPage.body).toContain(en['auth.twoFactor.off']);
    expect(await canLogIn(account.email, PASSWORD)).toBe(true);
  });

  it('signs out another device; another account’s session is a 404 and stays open', async () => {
    const { account, visitor, csrf } = await signedIn();
    const phone = new Visitor();
    await phone.logIn(account.email);
    const other = await signedIn();
    const otherSessions = await app.inject({
      method: 'GET',
      url: '/api/sessions',
      headers: { cookie: other.visitor.cookie },
    });
    const otherId = String(otherSessions.json().data[0].id);

    const page = await visitor.get('/account');
    expect(page.body.match(/data-testid="session"/g)).toHaveLength(2);

    const foreign = await visitor.post('/account', {
      intent: 'revoke-session',
      session: otherId,
      _csrf: csrf,
    });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.body).toContain(en['notFound.title']);
    expect((await other.visitor.get('/account')).statusCode).toBe(200);

    const phoneId = (
      await app.inject({ method: 'GET', url: '/api/sessions', headers: { cookie: phone.cookie } })
    )
      .json()
      .data.find((s: { current: boolean }) => s.current).id;
    const forged = await visitor.post('/account', { intent: 'revoke-session', session: String(phoneId) });
    expect(forged.statusCode).toBe(403);
    expect((await phone.get('/account')).statusCode).toBe(200);

    const revoked = await visitor.post('/account', {
      intent: 'revoke-session',
      session: String(phoneId),
      _csrf: csrf,
    });
    expect(revoked.statusCode).toBe(303);
    expect(revoked.headers.location).toBe('/account?done=session');
    expect((await phone.get('/account')).headers.location).toBe('/login?next=%2Faccount');
    const after = await visitor.get('/account?done=session');
    expect(after.body).toContain(en['auth.sessions.revoked']);
    expect(after.body.match(/data-testid="session"/g)).toHaveLength(1);
  });

  it('logs out everywhere, this browser included, only with the page token', async () => {
    const { account, visitor, csrf } = await signedIn();
    const phone = new Visitor();
    await phone.logIn(account.email);
    const forged = await visitor.post('/account', { intent: 'logout-everywhere' });
    expect(forged.statusCode).toBe(403);
    expect((await phone.get('/account')).statusCode).toBe(200);

    const out = await visitor.post('/account', { intent: 'logout-everywhere', _csrf: csrf });
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/login');
    expect(String(out.headers['set-cookie'])).toMatch(/numpool_session=;/);
    for (const browser of [visitor, phone])
      expect((await browser.get('/account')).headers.location).toBe('/login?next=%2Faccount');
  });

  it('signs this browser out when it ends its own session', async () => {
    const { visitor, csrf } = await signedIn();
    const page = await visitor.get('/account');
    const own = /name="session" value="(\d+)"/.exec(page.body)![1]!;
    const out = await visitor.post('/account', {
      intent: 'revoke-session',
      session: own,
      current: '1',
      _csrf: csrf,
    });
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/login');
    expect((await visitor.get('/account')).statusCode).toBe(303);
  });
});
