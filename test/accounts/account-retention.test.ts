import { describe, expect, it } from 'vitest';
import { createSession } from '../../src/accounts/sessions/create-session.ts';
import { revokeSession } from '../../src/accounts/sessions/revoke-sessions.ts';
import { purgeExpiredData } from '../../src/retention/purge-expired-data.ts';
import { createCustomer, uniqueEmail } from '../support/factories.ts';
import { waitForSandboxToken } from '../support/sandbox-mail.ts';
import { createTestApp } from '../support/test-app.ts';
import { TestClock } from '../support/test-clock.ts';
import { createTestContext } from '../support/test-database.ts';

const clock = new TestClock();
const ctx = await createTestContext({ NUMPOOL_SESSION_DAYS: '14' }, { clock });
const app = await createTestApp(ctx);
const DAY = 86_400_000;

const sessionIds = async (accountId: number) =>
  (await ctx.pool.query('SELECT id FROM sessions WHERE account_id = $1 ORDER BY id', [accountId])).rows.map(
    (r) => r.id,
  );

describe('retention of sign-in data', () => {
  it('removes sessions 30 days after they ended, and keeps open ones', async () => {
    const { account } = await createCustomer(ctx);
    const revoked = await createSession({ ctx, input: { accountId: account.id } });
    await revokeSession({ ctx, input: { sessionId: revoked.id } });
    clock.advance(29 * DAY);
    const open = await createSession({ ctx, input: { accountId: account.id } });
    await purgeExpiredData({ ctx });
    expect(await sessionIds(account.id)).toEqual([revoked.id, open.id]);
    clock.advance(2 * DAY);
    expect((await purgeExpiredData({ ctx })).sessions).toBeGreaterThanOrEqual(1);
    expect(await sessionIds(account.id)).toEqual([open.id]);
    // An open session expires after 14 days and goes 30 days after that.
    clock.advance(41 * DAY);
    await purgeExpiredData({ ctx });
    expect(await sessionIds(account.id)).toEqual([open.id]);
    clock.advance(2 * DAY);
    await purgeExpiredData({ ctx });
    expect(await sessionIds(account.id)).toEqual([]);
  });

  it('removes e-mail links a day after they expired', async () => {
    const email = uniqueEmail('retention');
    const signup = await app.inject({
      method: 'POST',
      url: '/api/signup',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ email, password: 'a long enough passphrase' }),
    });
    expect(signup.statusCode).toBe(202);
    await waitForSandboxToken(ctx.config.dataDir, email, 'verify');
    const links = async () =>
      (
        await ctx.pool.query(
          'SELECT count(*)::int AS n FROM email_tokens t JOIN accounts a ON a.id = t.account_id WHERE a.email = $1',
          [email],
        )
      ).rows[0].n;
    expect(await links()).toBe(1);
    clock.advance(24 * 3_600_000 + DAY - 60_000);
    await purgeExpiredData({ ctx });
    expect(await links()).toBe(1);
    clock.advance(120_000);
    expect((await purgeExpiredData({ ctx })).emailLinks).toBeGreaterThanOrEqual(1);
    expect(await links()).toBe(0);
  });
});
