/**
 * Two-factor sign-in: setup gives a secret that is stored sealed and changes nothing until enabled with a
 * code; enabling returns ten recovery codes once and renews the session; login then needs a code (never
 * the same one twice) or a recovery code (each good once); disabling needs the password and a code.
 * GET /api/session tells whether it is on. Malformed codes are refused, never a 500; logs never carry a
 * credential.
 */
import { describe, expect, it } from 'vitest';
import { totpCodeAt } from '../../src/accounts/totp/totp.ts';
import { listAudit } from '../../src/audit/list-audit.ts';
import { createLogger, redactFields } from '../../src/platform/logger.ts';
import { createCustomer } from '../support/factories.ts';
import { browserFrom, logInAs, PASSWORD, postLogin } from '../support/log-in.ts';
import type { Browser } from '../support/sign-in.ts';
import { createTestApp } from '../support/test-app.ts';
import { TestClock } from '../support/test-clock.ts';
import { createTestContext } from '../support/test-database.ts';

const lines: string[] = [];
const log = createLogger('debug', 'numpool', { write: (line: string) => lines.push(line) });
const clock = new TestClock();
// Throttling is tested in login-throttle.test.ts; here many wrong codes are sent on purpose.
const ctx = await createTestContext(
  { NUMPOOL_LOGIN_ACCOUNT_FAILURES: '1000', NUMPOOL_LOGIN_IP_FAILURES: '100000' },
  { log, clock },
);
const app = await createTestApp(ctx);

const post = (url: string, headers: Record<string, string>, payload?: object) =>
  app.inject({ method: 'POST', url: `/api/2fa/${url}`, headers, ...(payload ? { payload } : {}) });
const session = (headers: Record<string, string>) =>
  app.inject({ method: 'GET', url: '/api/session', headers });
/** The next 30-second step: a code made now was never used before. */
const nextStep = () => clock.advance(30_000);

async function withTwoFactor() {
  const { account } = await createCustomer(ctx);
  const browser = await logInAs(app, account.email);
  const setup = await post('setup', browser.headers);
  expect(setup.statusCode).toBe(200);
  const { secret, otpauth_url } = setup.json().data;
  const firstCode = totpCodeAt(secret, clock.now());
  const enabled = await post('enable', browser.headers, { code: firstCode });
  expect(enabled.statusCode).toBe(200);
  const recoveryCodes: string[] = enabled.json().data.recovery_codes;
  return {
    account,
    secret,
    otpauthUrl: otpauth_url,
    firstCode,
    recoveryCodes,
    before: browser,
    after: browserFrom(enabled, browser),
  };
}

describe('TOTP setup and enable', () => {
  it('stores the secret sealed, changes nothing until enabled, then renews the session', async () => {
    const { account } = await createCustomer(ctx);
    const browser = await logInAs(app, account.email);
    const setup = await post('setup', browser.headers);
    const { secret, otpauth_url } = setup.json().data;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauth_url).toMatch(/^otpauth:\/\/totp\/numpool:/);
    expect(otpauth_url).toContain(`secret=${secret}`);
    const stored = await ctx.pool.query('SELECT * FROM accounts WHERE id = $1', [account.id]);
    expect(JSON.stringify(stored.rows[0])).not.toContain(secret);
    expect(stored.rows[0].totp_secret_sealed).toMatch(/^v1\./);
    expect(stored.rows[0].totp_enabled_at).toBeNull();
    // Pending: login still needs only the password.
    expect((await postLogin(app, { email: account.email, password: PASSWORD })).statusCode).toBe(200);
    expect((await session(browser.cookies)).json().data.account.two_factor_enabled).toBe(false);

    const other = await logInAs(app, account.email);
    expect(
      (
        await post('enable', browser.headers, {
          code: '000000' === totpCodeAt(secret, clock.now()) ? '111111' : '000000',
        })
      ).statusCode,
    ).toBe(422);
    const enabled = await post('enable', browser.headers, { code: totpCodeAt(secret, clock.now()) });
    expect(enabled.statusCode).toBe(200);
    const codes: string[] = enabled.json().data.recovery_codes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[0-9a-z]{4}(-[0-9a-z]{4}){3}$/);
    const hashes = await ctx.pool.query(
      'SELECT code_hash, used_at FROM recovery_codes WHERE account_id = $1',
      [account.id],
    );
    expect(hashes.rows).toHaveLength(10);
    expect(JSON.stringify(hashes.rows)).not.toContain(codes[0]!.replaceAll('-', ''));
    // A privilege change: the session that enabled it and every other one end; this browser has a new one.
    expect((await session(browser.cookies)).statusCode).toBe(401);
    expect((await session(other.cookies)).statusCode).toBe(401);
    const renewed = await session(browserFrom(enabled, browser).cookies);
    expect(renewed.statusCode).toBe(200);
    expect(renewed.json().data.account.two_factor_enabled).toBe(true);
    expect((await post('setup', browserFrom(enabled, browser).headers)).statusCode).toBe(409);
    const audit = await listAudit({ ctx, input: { targetId: String(account.id), action: 'account.' } });
    expect(audit.map((e) => e.action).filter((a) => a.startsWith('account.totp_'))).toEqual([
      'account.totp_enable',
      'account.totp_setup',
    ]);
    expect(JSON.stringify(audit)).not.toContain(secret);
  });

  it('cannot be enabled before setup, nor without the CSRF token, nor with an API key', async () => {
    const { account, apiKey } = await createCustomer(ctx);
    const browser = await logInAs(app, account.email);
    expect((await post('enable', browser.headers, { code: '123456' })).statusCode).toBe(409);
    for (const url of ['setup', 'enable', 'disable'])
      expect((await post(url, browser.cookies, { code: '123456', password: PASSWORD })).statusCode).toBe(403);
    expect((await post('setup', { authorization: `Bearer ${apiKey}` })).statusCode).toBe(403);
    expect((await post('setup', {})).statusCode).toBe(401);
  });
});

describe('login with TOTP', () => {
  it('asks for the second factor only after the right password', async () => {
    const { account } = await withTwoFactor();
    const asked = await postLogin(app, { email: account.email, password: PASSWORD });
    expect(asked.statusCode).toBe(401);
    expect(asked.json().error.details).toEqual({ mfa_required: true });
    const wrong = await postLogin(app, { email: account.email, password: 'wrong', totp_code: '123456' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.details).toBeUndefined();
    const { account: plain } = await createCustomer(ctx);
    expect(wrong.body).toBe((await postLogin(app, { email: plain.email, password: 'wrong' })).body);
  });

  it('logs in with a current code, and never takes the same code twice', async () => {
    const { account, firstCode } = await withTwoFactor();
    // The code that enabled two-factor sign-in was spent then.
    const replayed = await postLogin(app, { email: account.email, password: PASSWORD, totp_code: firstCode });
    expect(replayed.statusCode).toBe(401);
    expect(replayed.json().error.details).toEqual({ mfa_required: true });
    nextStep();
    const { secret } = await secretOf(account.id);
    const code = totpCodeAt(secret, clock.now());
    const answer = await postLogin(app, { email: account.email, password: PASSWORD, totp_code: code });
    expect(answer.statusCode).toBe(200);
    expect((await session(browserFrom(answer).cookies)).statusCode).toBe(200);
    expect(
      (await postLogin(app, { email: account.email, password: PASSWORD, totp_code: code })).statusCode,
    ).toBe(401);
    // Two racing logins with one fresh code: one wins.
    nextStep();
    const fresh = totpCodeAt(secret, clock.now());
    const raced = await Promise.all(
      [1, 2].map(() => postLogin(app, { email: account.email, password: PASSWORD, totp_code: fresh })),
    );
    expect(raced.map((a) => a.statusCode).sort()).toEqual([200, 401]);
    const [entry] = await listAudit({ ctx, input: { actorAccountId: account.id, action: 'session.login' } });
    expect(entry!.after).toEqual({ method: 'password+totp', replaced_session: false });
  });

  it('takes each recovery code once, in any case and spacing', async () => {
    const { account, recoveryCodes } = await withTwoFactor();
    const [first, second] = recoveryCodes as [string, string];
    const login = (recovery_code: string) =>
      postLogin(app, { email: account.email, password: PASSWORD, recovery_code });
    expect((await login(first)).statusCode).toBe(200);
    expect((await login(first)).statusCode).toBe(401);
    expect((await login(` ${second.toUpperCase().replaceAll('-', ' ')} `)).statusCode).toBe(200);
    expect((await login(second)).statusCode).toBe(401);
    const used = await ctx.pool.query(
      'SELECT count(*)::int AS n FROM recovery_codes WHERE account_id = $1 AND used_at IS NOT NULL',
      [account.id],
    );
    expect(used.rows[0].n).toBe(2);
  });

  it('refuses malformed codes with 401 or 422, never 500', async () => {
    const { account } = await withTwoFactor();
    for (const bad of [
      '',
      'abcdef',
      '1234567',
      '12345',
      ' 123456',
      '１２３４５６',
      'x'.repeat(64),
      '-1',
      '1e6',
    ]) {
      for (const field of ['totp_code', 'recovery_code']) {
        const answer = await postLogin(app, { email: account.email, password: PASSWORD, [field]: bad });
        expect(answer.statusCode, `${field}=${JSON.stringify(bad)}`).toBe(401);
        expect(answer.json().error.details).toEqual({ mfa_required: true });
      }
    }
    // Past the schema's bounds, or a NUL (refused before any route): 422.
    for (const bad of ['9'.repeat(10_000), 'é'.repeat(100), '\u0000'])
      expect(
        (await postLogin(app, { email: account.email, password: PASSWORD, totp_code: bad })).statusCode,
      ).toBe(422);
    for (const bad of [123456, null, ['123456'], { code: 1 }]) {
      const answer = await postLogin(app, { email: account.email, password: PASSWORD, totp_code: bad });
      expect([401, 422]).toContain(answer.statusCode);
    }
    // Another account's recovery code is no code for this one.
    const foreign = (await withTwoFactor()).recoveryCodes[0];
    const answer = await postLogin(app, { email: account.email, password: PASSWORD, recovery_code: foreign });
    expect(answer.statusCode).toBe(401);
  });
});

describe('TOTP disable', () => {
  it('needs the password and a current code, then login needs the password only', async () => {
    const { account, secret, after } = await withTwoFactor();
    const disable = (browser: Browser, payload: object) => post('disable', browser.headers, payload);
    nextStep();
    const code = totpCodeAt(secret, clock.now());
    expect((await disable(after, { password: 'wrong', code })).statusCode).toBe(422);
    expect(
      (await disable(after, { password: PASSWORD, code: '000000' === code ? '111111' : '000000' }))
        .statusCode,
    ).toBe(422);
    for (const bad of ['', 'letters', '1234567', '\u{1F600}'])
      expect((await disable(after, { password: PASSWORD, code: bad })).statusCode).toBe(422);
    expect((await disable(after, { password: PASSWORD })).statusCode).toBe(422);
    expect((await disable(after, { password: PASSWORD, code })).statusCode).toBe(200);
    expect((await disable(after, { password: PASSWORD, code })).statusCode).toBe(409);
    expect((await postLogin(app, { email: account.email, password: PASSWORD })).statusCode).toBe(200);
    const row = await ctx.pool.query(
      'SELECT totp_secret_sealed, totp_enabled_at FROM accounts WHERE id = $1',
      [account.id],
    );
    expect(row.rows[0]).toEqual({ totp_secret_sealed: null, totp_enabled_at: null });
    const codes = await ctx.pool.query('SELECT 1 FROM recovery_codes WHERE account_id = $1', [account.id]);
    expect(codes.rowCount).toBe(0);
    expect(
      await listAudit({ ctx, input: { action: 'account.totp_disable', targetId: String(account.id) } }),
    ).toHaveLength(1);
  });

  it('takes a recovery code instead of a code (the phone is lost)', async () => {
    const { after, recoveryCodes } = await withTwoFactor();
    expect(
      (await post('disable', after.headers, { password: PASSWORD, code: recoveryCodes[3]! })).statusCode,
    ).toBe(200);
  });
});

describe('logs', () => {
  it('walk logged objects cheaply: nothing to redact, nothing copied; cycles end', () => {
    const clean = { a: 1, b: { c: [1, { d: 'x' }] } };
    expect(redactFields(clean)).toBe(clean);
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(() => ctx.log.info({ cyclic }, 'cyclic')).not.toThrow();
    const tagged = { when: new Date(0), nested: { API_KEY: 'k', 'X-ApiKey': 'k', webhookSecret: 'w' } };
    expect(redactFields(tagged)).toEqual({
      when: new Date(0),
      nested: { API_KEY: '[redacted]', 'X-ApiKey': '[redacted]', webhookSecret: '[redacted]' },
    });
    expect(tagged.nested.API_KEY).toBe('k');
  });

  it('never carry the password, a TOTP code, a session token, a CSRF token or a recovery code', async () => {
    lines.length = 0;
    const { account, firstCode, recoveryCodes, secret, after } = await withTwoFactor();
    nextStep();
    const code = totpCodeAt(secret, clock.now());
    const login = await postLogin(app, { email: account.email, password: PASSWORD, totp_code: code });
    const byCode = browserFrom(login);
    await postLogin(app, { email: account.email, password: PASSWORD, recovery_code: recoveryCodes[0] });
    await app.inject({
      method: 'POST',
      url: '/api/password',
      headers: byCode.headers,
      payload: { current_password: PASSWORD, new_password: 'another long password' },
    });
    await app.inject({ method: 'POST', url: '/api/logout', headers: after.headers });
    // Logged objects carrying credentials, however deep, lose them.
    ctx.log.info(
      {
        body: {
          password: PASSWORD,
          nested: {
            deeper: [
              {
                totp_code: code,
                headers: { cookie: after.cookies.cookie, 'Set-Cookie': [after.cookies.cookie] },
              },
            ],
          },
        },
      },
      'deep',
    );
    ctx.log.warn(
      {
        login: {
          current_password: PASSWORD,
          new_password: 'another long password',
          csrfToken: after.headers['x-csrf-token'],
          token: 'tok-secret-value',
          recoveryCode: recoveryCodes[1],
        },
      },
      'camel',
    );
    const error = Object.assign(new Error('boom'), {
      config: { headers: { Authorization: 'Bearer leaked-secret' } },
    });
    ctx.log.error({ err: error }, 'failed');
    const text = lines.join('\n');
    expect(text).toContain('"deep"');
    expect(text).toContain('"url":"/api/login"');
    const sessionTokens = [after, byCode].map((b) => b.cookies.cookie.match(/numpool_session=([^;]+)/)![1]!);
    for (const secretValue of [
      PASSWORD,
      'another long password',
      secret,
      ...sessionTokens,
      after.headers['x-csrf-token'],
      'tok-secret-value',
      'leaked-secret',
      ...recoveryCodes,
      ...recoveryCodes.map((c) => c.replaceAll('-', '')),
    ])
      expect(text).not.toContain(secretValue);
    for (const totp of [firstCode, code]) expect(text).not.toMatch(new RegExp(`(?<![\\d.])${totp}(?!\\d)`));
  });
});

async function secretOf(accountId: number): Promise<{ secret: string }> {
  const { open } = await import('../../src/platform/secret-box.ts');
  const row = await ctx.pool.query('SELECT totp_secret_sealed FROM accounts WHERE id = $1', [accountId]);
  return { secret: open(ctx.secret, row.rows[0].totp_secret_sealed) };
}
