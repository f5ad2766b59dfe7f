/**
 * Logging out ends the session at once on every node: sessions are read from the database on each
 * request, so a second app on its own context (as another node would be) refuses the cookie immediately.
 */
import { describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/api/plugins/session-cookie.ts';
import { listAudit } from '../../src/audit/list-audit.ts';
import { createCustomer } from '../support/factories.ts';
import { logInAs, setCookieLine } from '../support/log-in.ts';
import { createTestApp } from '../support/test-app.ts';
import { contextOn, createTestContext } from '../support/test-database.ts';

const ctx = await createTestContext();
const one = await createTestApp(ctx);
// Another node: its own context and pool on the same database, with the deployment's one secret.
const two = await createTestApp(await contextOn(ctx.url, { NUMPOOL_SECRET: ctx.secret }));
const nodes = [one, two] as const;

const sessionOn = (node: typeof one, headers: Record<string, string>) =>
  node.inject({ method: 'GET', url: '/api/session', headers });

describe('POST /api/logout', () => {
  it('ends this session on both nodes at once and clears the cookie', async () => {
    const { account } = await createCustomer(ctx);
    const browser = await logInAs(one, account.email);
    const other = await logInAs(two, account.email);
    for (const node of nodes) expect((await sessionOn(node, browser.cookies)).statusCode).toBe(200);
    const answer = await two.inject({ method: 'POST', url: '/api/logout', headers: browser.headers });
    expect(answer.statusCode).toBe(200);
    expect(setCookieLine(answer, SESSION_COOKIE)).toMatch(/^numpool_session=;.*Expires=Thu, 01 Jan 1970/);
    for (const node of nodes) {
      expect((await sessionOn(node, browser.cookies)).statusCode).toBe(401);
      expect((await sessionOn(node, other.cookies)).statusCode).toBe(200);
    }
    const audit = await listAudit({ ctx, input: { actorAccountId: account.id, action: 'session.logout' } });
    expect(audit).toHaveLength(1);
  });

  it('refuses a logout without the CSRF token (a cross-site form cannot log anyone out)', async () => {
    const { account } = await createCustomer(ctx);
    const browser = await logInAs(one, account.email);
    for (const headers of [browser.cookies, { ...browser.cookies, 'x-csrf-token': 'forged' }]) {
      for (const url of ['/api/logout', '/api/logout-everywhere'])
        expect((await one.inject({ method: 'POST', url, headers })).statusCode).toBe(403);
    }
    expect((await sessionOn(one, browser.cookies)).statusCode).toBe(200);
  });

  it('answers 401 without a session and 403 to an API key', async () => {
    const { apiKey } = await createCustomer(ctx);
    expect((await one.inject({ method: 'POST', url: '/api/logout' })).statusCode).toBe(401);
    const byKey = await one.inject({
      method: 'POST',
      url: '/api/logout',
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(byKey.statusCode).toBe(403);
    expect(
      (
        await one.inject({
          method: 'POST',
          url: '/api/logout',
          headers: { cookie: `${SESSION_COOKIE}=${'x'.repeat(43)}`, 'x-csrf-token': 'x' },
        })
      ).statusCode,
    ).toBe(401);
  });
});

describe('POST /api/logout-everywhere', () => {
  it('ends every session of the account, this one included, on both nodes; others are untouched', async () => {
    const { account } = await createCustomer(ctx);
    const { account: neighbour } = await createCustomer(ctx);
    const browsers = [
      await logInAs(one, account.email),
      await logInAs(two, account.email),
      await logInAs(one, account.email),
    ];
    const theirs = await logInAs(two, neighbour.email);
    const answer = await one.inject({
      method: 'POST',
      url: '/api/logout-everywhere',
      headers: browsers[0]!.headers,
    });
    expect(answer.statusCode).toBe(200);
    expect(answer.json().data).toEqual({ sessions_revoked: 3 });
    for (const node of nodes) {
      for (const browser of browsers) expect((await sessionOn(node, browser.cookies)).statusCode).toBe(401);
      expect((await sessionOn(node, theirs.cookies)).statusCode).toBe(200);
    }
    const [entry] = await listAudit({
      ctx,
      input: { action: 'session.logout_everywhere', targetId: String(account.id) },
    });
    expect(entry).toMatchObject({
      actorKind: 'account',
      actorAccountId: account.id,
      after: { sessions_revoked: 3 },
    });
  });
});
