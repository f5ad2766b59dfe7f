/**
 * Self-service sign-up, e-mail verification and password reset, with mail delivered over real SMTP to a
 * receiver on loopback.
 */
import { describe, expect, it } from 'vitest';
import { checkPassword } from '../../src/accounts/check-password.ts';
import { findAccount } from '../../src/accounts/find-account.ts';
import { issueApiKey } from '../../src/accounts/issue-api-key.ts';
import { createSession } from '../../src/accounts/sessions/create-session.ts';
import { resolveSession } from '../../src/accounts/sessions/resolve-session.ts';
import { listAudit } from '../../src/audit/list-audit.ts';
import { createCustomer, uniqueEmail } from '../support/factories.ts';
import { signIn } from '../support/sign-in.ts';
import { linkToken, startSmtpReceiver } from '../support/smtp-receiver.ts';
import { bearer, createTestApp } from '../support/test-app.ts';
import { TestClock } from '../support/test-clock.ts';
import { createTestContext } from '../support/test-database.ts';

const smtp = await startSmtpReceiver();
const clock = new TestClock();
const ctx = await createTestContext({ SMTP_URL: smtp.url }, { clock });
const app = await createTestApp(ctx);

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url, payload: payload as object, headers });
const signUp = (email: string, password = 'a long enough password') =>
  post('/api/signup', { email, password });
const verify = (token: string) => post('/api/verify-email', { token });
const requestReset = (email: string) => post('/api/password-reset', { email });
const resend = (email: string) => post('/api/verify-email/resend', { email });
const confirmReset = (token: string, password: string) =>
  post('/api/password-reset/confirm', { token, password });

const CHECK_YOUR_EMAIL = { success: true, data: { status: 'check_your_email' } };
const INVALID_LINK = {
  success: false,
  error: { code: 'VALIDATION_ERROR', message: 'the link is invalid or has expired' },
};

async function verificationToken(email: string): Promise<string> {
  const mail = await smtp.waitForMail(email);
  expect(mail.subject).toBe('Confirm your numpool address');
  return linkToken(mail.text, 'verify-email');
}

/** Someone signs up with another person's address, signs in and makes an API key. */
async function squat(email: string) {
  await signUp(email, 'the squatter password');
  const squatterLink = await verificationToken(email);
  const squatter = await findAccount({ ctx, input: { ref: email } });
  const session = await createSession({ ctx, input: { accountId: squatter.id } });
  const key = await issueApiKey({ ctx, input: { accountId: squatter.id } });
  return { squatterLink, squatter, session, key };
}

async function confirmationToken(email: string): Promise<string> {
  const mail = await smtp.waitForMail(email);
  expect(mail.subject).toBe('Confirm your numpool address');
  return linkToken(mail.text, 'reset-password');
}

async function resetToken(email: string): Promise<string> {
  const mail = await smtp.waitForMail(email);
  expect(mail.subject).toBe('Reset your numpool password');
  return linkToken(mail.text, 'reset-password');
}

describe('sign-up', () => {
  it('creates an unverified account and mails a link whose token verifies it', async () => {
    const email = uniqueEmail('new');
    const answered = await signUp(`  ${email.toUpperCase()} `);
    expect(answered.statusCode).toBe(202);
    expect(answered.json()).toEqual(CHECK_YOUR_EMAIL);
    const account = await findAccount({ ctx, input: { ref: email } });
    expect([account.role, account.emailVerifiedAt]).toEqual(['customer', null]);
    expect(
      await checkPassword({ ctx, input: { accountId: account.id, password: 'a long enough password' } }),
    ).toBe(true);

    const mail = await smtp.waitForMail(email);
    expect(mail.from).toBe('no-reply@numpool.localhost');
    expect(mail.text).toContain(`${ctx.config.publicUrl}/verify-email?token=`);
    const token = linkToken(mail.text, 'verify-email');

    const browser = await signIn(ctx, app, account.id);
    const before = await app.inject({ method: 'GET', url: '/api/session', headers: browser.cookies });
    expect(before.json().data.account.email_verified).toBe(false);

    const verified = await verify(token);
    expect(verified.statusCode).toBe(200);
    expect(verified.json()).toEqual({ success: true, data: { status: 'verified', email_verified: true } });
    expect((await findAccount({ ctx, input: { ref: email } })).emailVerifiedAt).toBeInstanceOf(Date);
    const after = await app.inject({ method: 'GET', url: '/api/session', headers: browser.cookies });
    expect(after.json().data.account.email_verified).toBe(true);

    const audit = await listAudit({ ctx, input: { targetType: 'account', targetId: String(account.id) } });
    expect(audit.map((e) => e.action).sort()).toEqual(['account.email_verified', 'account.signup']);
    expect(audit.every((e) => e.actorKind === 'system' && e.ip !== null && e.requestId !== null)).toBe(true);
    const stored = JSON.stringify([audit, (await ctx.pool.query('SELECT * FROM email_tokens')).rows]);
    expect(stored).not.toContain(token);
    expect(stored).not.toContain('a long enough password');
  });

  it('verification links work once, for 24 hours; unknown, used and expired ones get one answer', async () => {
    const email = uniqueEmail('expiry');
    await signUp(email);
    const first = await verificationToken(email);
    clock.advance(23 * 3_600_000);
    // Signing up again before verifying sends a fresh link; the first one still works until it expires.
    await signUp(email);
    const second = await verificationToken(email);
    clock.advance(3_600_000 + 1_000);

    const expired = await verify(first);
    expect([expired.statusCode, expired.json()]).toEqual([422, INVALID_LINK]);
    expect((await verify(second)).statusCode).toBe(200);
    const used = await verify(second);
    expect([used.statusCode, used.json()]).toEqual([422, INVALID_LINK]);
    const unknown = await verify('A'.repeat(43));
    expect([unknown.statusCode, unknown.json()]).toEqual([422, INVALID_LINK]);
  });

  it('a link used twice at once verifies once', async () => {
    const email = uniqueEmail('race');
    await signUp(email);
    const token = await verificationToken(email);
    const answers = await Promise.all([verify(token), verify(token), verify(token)]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 422, 422]);
    const account = await findAccount({ ctx, input: { ref: email } });
    const audit = await listAudit({
      ctx,
      input: { action: 'account.email_verified', targetId: String(account.id) },
    });
    expect(audit).toHaveLength(1);
  });

  it('a second sign-up with an unverified address sets its own password when its link is followed', async () => {
    // Someone signs up first with another person's address, signs in and makes an API key…
    const email = uniqueEmail('victim');
    const { squatterLink, squatter, session, key } = await squat(email);
    // …then the address's owner signs up and follows the link mailed for that sign-up.
    await signUp(email, 'the owner password');
    const ownerLink = await verificationToken(email);
    expect((await verify(ownerLink)).statusCode).toBe(200);

    const check = (password: string) => checkPassword({ ctx, input: { accountId: squatter.id, password } });
    expect([await check('the owner password'), await check('the squatter password')]).toEqual([true, false]);
    expect(await resolveSession({ ctx, input: { token: session.token } })).toBeUndefined();
    const byKey = await app.inject({ method: 'GET', url: '/api/session', headers: bearer(key.key) });
    expect(byKey.statusCode).toBe(401);
    expect((await verify(squatterLink)).json()).toEqual(INVALID_LINK);
    const [entry] = await listAudit({
      ctx,
      input: { action: 'account.email_verified', targetId: String(squatter.id) },
    });
    expect(entry?.after).toEqual({ email_verified: true, password_replaced: true });
  });

  it('an existing address gets the same answer, and a note instead of an account', async () => {
    const { account } = await createCustomer(ctx);
    const fresh = uniqueEmail('fresh');
    const taken = await signUp(account.email);
    const free = await signUp(fresh);
    expectSameAnswer(taken, free);
    expect(taken.statusCode).toBe(202);
    const note = await smtp.waitForMail(account.email);
    expect(note.subject).toBe('Someone tried to sign up with your numpool address');
    expect(note.text).not.toMatch(/token=/);
    expect(
      await checkPassword({ ctx, input: { accountId: account.id, password: 'correct horse battery' } }),
    ).toBe(true);
    await verificationToken(fresh);
  });

  it('refuses passwords outside the policy, whether or not the address is taken', async () => {
    const { account } = await createCustomer(ctx);
    for (const email of [account.email, uniqueEmail('policy')]) {
      for (const password of ['short', 'x'.repeat(257), email, email.toUpperCase()]) {
        const refused = await signUp(email, password);
        expect(refused.statusCode, password).toBe(422);
        expect(refused.json().error.code).toBe('VALIDATION_ERROR');
      }
    }
    expect((await signUp('not-an-address', 'long enough password')).statusCode).toBe(422);
  });
});

describe('password reset', () => {
  it('mails a link; confirming sets the new password, ends every session and is audited', async () => {
    const { account } = await createCustomer(ctx);
    const sessions = [
      await createSession({ ctx, input: { accountId: account.id } }),
      await createSession({ ctx, input: { accountId: account.id } }),
    ];
    const asked = await requestReset(account.email.toUpperCase());
    expect([asked.statusCode, asked.json()]).toEqual([202, CHECK_YOUR_EMAIL]);
    const token = await resetToken(account.email);

    const done = await confirmReset(token, 'a brand new passphrase');
    expect([done.statusCode, done.json()]).toEqual([
      200,
      { success: true, data: { status: 'password_reset' } },
    ]);
    const check = (password: string) => checkPassword({ ctx, input: { accountId: account.id, password } });
    expect([await check('a brand new passphrase'), await check('correct horse battery')]).toEqual([
      true,
      false,
    ]);
    for (const session of sessions)
      expect(await resolveSession({ ctx, input: { token: session.token } })).toBeUndefined();
    expect((await confirmReset(token, 'yet another passphrase')).json()).toEqual(INVALID_LINK);

    const audit = await listAudit({ ctx, input: { action: 'account.', targetId: String(account.id) } });
    expect(audit.map((e) => e.action)).toEqual([
      'account.password_reset',
      'account.password_reset_requested',
    ]);
    const requested = audit[1]!;
    expect(requested).toMatchObject({ actorKind: 'system', actorAccountId: null });
    expect(requested.ip).toBeTruthy();
    expect(requested.requestId).toBe(asked.headers['x-request-id']);
    expect(audit[0]!.after).toEqual({ sessions_ended: 2, email_verified: true });
    expect(JSON.stringify(audit)).not.toMatch(/brand new|correct horse|token/);
    expect(JSON.stringify(audit)).not.toContain(token);
  });

  it('a new request makes earlier links stop working; links expire after an hour', async () => {
    const { account } = await createCustomer(ctx);
    await requestReset(account.email);
    const older = await resetToken(account.email);
    await requestReset(account.email);
    const newer = await resetToken(account.email);
    expect((await confirmReset(older, 'a brand new passphrase')).json()).toEqual(INVALID_LINK);

    clock.advance(3_600_000 + 1_000);
    expect((await confirmReset(newer, 'a brand new passphrase')).json()).toEqual(INVALID_LINK);
    expect(
      await checkPassword({ ctx, input: { accountId: account.id, password: 'correct horse battery' } }),
    ).toBe(true);
  });

  it('a refused password leaves the link usable; tokens of one kind do not open the other', async () => {
    const { account } = await createCustomer(ctx);
    await requestReset(account.email);
    const token = await resetToken(account.email);
    for (const password of ['short', account.email]) {
      const refused = await confirmReset(token, password);
      expect(refused.statusCode).toBe(422);
      expect(refused.json().error.message).toMatch(/password/);
    }
    expect((await verify(token)).json()).toEqual(INVALID_LINK);
    expect((await confirmReset(token, 'finally long enough')).statusCode).toBe(200);

    const email = uniqueEmail('kinds');
    await signUp(email);
    expect((await confirmReset(await verificationToken(email), 'long enough password')).json()).toEqual(
      INVALID_LINK,
    );
  });

  it('answers an unknown address exactly as a known one, and mails nothing to it', async () => {
    const { account } = await createCustomer(ctx);
    const unknown = uniqueEmail('nobody');
    const known = await requestReset(account.email);
    const nobody = await requestReset(unknown);
    expectSameAnswer(known, nobody);
    await resetToken(account.email);
    // The known address's mail has arrived; any mail to the unknown one was sent before it.
    expect(smtp.messages.some((m) => m.to.includes(unknown))).toBe(false);
  });
});

describe('a fresh verification link', () => {
  it('is a link to choose the password: it confirms the address and closes what the first password opened', async () => {
    // Someone signs up first with another person's address, signs in and makes an API key; the owner's
    // own sign-up mail never arrives (or its link expired), so the owner asks for a fresh link.
    const email = uniqueEmail('again');
    const { squatterLink, squatter, session, key } = await squat(email);

    const answered = await resend(` ${email.toUpperCase()}`);
    expect(answered.statusCode).toBe(202);
    expect(answered.json()).toEqual(CHECK_YOUR_EMAIL);
    const link = await confirmationToken(email);
    expect((await confirmReset(link, 'the owner password')).statusCode).toBe(200);

    expect((await findAccount({ ctx, input: { ref: email } })).emailVerifiedAt).toBeInstanceOf(Date);
    const check = (password: string) => checkPassword({ ctx, input: { accountId: squatter.id, password } });
    expect([await check('the owner password'), await check('the squatter password')]).toEqual([true, false]);
    expect(await resolveSession({ ctx, input: { token: session.token } })).toBeUndefined();
    const byKey = await app.inject({ method: 'GET', url: '/api/session', headers: bearer(key.key) });
    expect(byKey.statusCode).toBe(401);
    // The earlier sign-up link cannot set the squatter's password back.
    expect((await verify(squatterLink)).json()).toEqual(INVALID_LINK);
    const audit = await listAudit({ ctx, input: { targetType: 'account', targetId: String(squatter.id) } });
    expect(audit.map((e) => e.action)).toEqual(
      expect.arrayContaining(['account.verification_resent', 'account.password_reset']),
    );
  });

  it('answers a verified, an unknown and a disabled address exactly as an unverified one, mailing none of them', async () => {
    const unverified = uniqueEmail('unverified');
    await signUp(unverified);
    await verificationToken(unverified);
    const { account: verified } = await createCustomer(ctx);
    const { account: disabled } = await createCustomer(ctx);
    await ctx.pool.query('UPDATE accounts SET email_verified_at = NULL, disabled_at = now() WHERE id = $1', [
      disabled.id,
    ]);
    const unknown = uniqueEmail('nobody');
    const others = [verified.email, unknown, disabled.email];
    const answers = [];
    for (const email of others) answers.push(await resend(email));
    const known = await resend(unverified);
    for (const answer of answers) expectSameAnswer(known, answer);
    await confirmationToken(unverified);
    // The unverified address's mail has arrived; any mail to the others was sent before it.
    for (const email of others) expect(smtp.messages.some((m) => m.to.includes(email))).toBe(false);
  });
});

describe('malformed requests', () => {
  const bodies: Array<[string, unknown]> = [
    ['missing fields', {}],
    ['not an object', ['a', 'b']],
    ['null', null],
    ['a number for a string', { email: 12345678901, password: 12345678901, token: 12345678901 }],
    ['an array for a string', { email: ['a@b.c'], password: ['long enough password'], token: ['x'] }],
    ['an object for a string', { email: { a: 1 }, password: { a: 1 }, token: { a: 1 } }],
    [
      'a huge field',
      { email: `${'a'.repeat(500_000)}@x.y`, password: 'p'.repeat(500_000), token: 't'.repeat(500_000) },
    ],
  ];
  const routes: Array<[string, Record<string, string>]> = [
    ['/api/signup', { email: 'someone@example.test', password: 'long enough password' }],
    ['/api/verify-email', { token: 'A'.repeat(43) }],
    ['/api/password-reset', { email: 'someone@example.test' }],
    ['/api/verify-email/resend', { email: 'someone@example.test' }],
    ['/api/password-reset/confirm', { token: 'A'.repeat(43), password: 'long enough password' }],
  ];

  it('are refused with 422, never 500', async () => {
    for (const [url, valid] of routes) {
      const fields = Object.keys(valid);
      const cases: Array<[string, unknown]> = [
        ...bodies.map(([name, body]): [string, unknown] => [
          name,
          body && typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length
            ? Object.fromEntries(fields.map((f) => [f, (body as Record<string, unknown>)[f]]))
            : body,
        ]),
        ['an extra field', { ...valid, role: 'admin' }],
        // Would be a valid request if the number were read as a string.
        ['a number where a password or email belongs', { ...valid, [fields.at(-1)!]: 123456789012 }],
        ['a NUL character', Object.fromEntries(fields.map((f) => [f, `${valid[f]}\u0000`]))],
        ['one field missing', Object.fromEntries(fields.slice(1).map((f) => [f, valid[f]]))],
      ];
      for (const [name, body] of cases) {
        const answer = await app.inject({
          method: 'POST',
          url,
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify(body),
        });
        expect(answer.statusCode, `${url}: ${name}`).toBe(422);
        expect(answer.json().error.code, `${url}: ${name}`).toBe('VALIDATION_ERROR');
      }
      const notJson = await post(url, '{"email":', { 'content-type': 'application/json' });
      expect(notJson.statusCode, `${url}: not JSON`).toBe(422);
      const tooLarge = await post(url, JSON.stringify({ email: 'x'.repeat(2 * 1024 * 1024) }), {
        'content-type': 'application/json',
      });
      expect(tooLarge.statusCode, `${url}: over the body limit`).toBe(413);
    }
  });
});

/** Same status, body and headers, but for the ones that differ on every response. */
function expectSameAnswer(
  a: { statusCode: number; body: string; headers: Record<string, unknown> },
  b: { statusCode: number; body: string; headers: Record<string, unknown> },
) {
  const headers = (h: Record<string, unknown>) => {
    const { 'x-request-id': _id, date: _date, ...rest } = h;
    return rest;
  };
  expect([a.statusCode, a.body, headers(a.headers)]).toEqual([b.statusCode, b.body, headers(b.headers)]);
}

describe('rate limits', () => {
  it('count the public routes per address, sign-up at weight 20', async () => {
    const limited = await createTestContext({
      SMTP_URL: smtp.url,
      NUMPOOL_RATE_LIMIT: '1',
      NUMPOOL_RATE_LIMIT_IP_MAX: '40',
    });
    const limitedApp = await createTestApp(limited);
    const from = (remoteAddress: string, email: string) =>
      limitedApp.inject({
        method: 'POST',
        url: '/api/signup',
        remoteAddress,
        payload: { email, password: 'a long enough password' },
      });
    expect((await from('192.0.2.10', uniqueEmail('rl'))).statusCode).toBe(202);
    expect((await from('192.0.2.10', uniqueEmail('rl'))).statusCode).toBe(202);
    const refused = await from('192.0.2.10', uniqueEmail('rl'));
    expect([refused.statusCode, refused.json().error.code]).toEqual([429, 'RATE_LIMIT_EXCEEDED']);
    // An API key does not buy a public route a key's budget; another address has its own.
    const { apiKey } = await createCustomer(limited);
    const withKey = await limitedApp.inject({
      method: 'POST',
      url: '/api/signup',
      remoteAddress: '192.0.2.10',
      headers: bearer(apiKey),
      payload: { email: uniqueEmail('rl'), password: 'a long enough password' },
    });
    expect(withKey.statusCode).toBe(429);
    expect((await from('192.0.2.11', uniqueEmail('rl'))).statusCode).toBe(202);
  });
});
