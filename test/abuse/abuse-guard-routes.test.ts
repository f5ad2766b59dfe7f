/**
 * GET /api/abuse-guard (always the caller's own) and the operators' routes under /admin/api/accounts/:id:
 * happy paths, errors and who may call them. Bans are placed with the domain verb the guard itself uses.
 */
import { describe, expect, it } from 'vitest';
import { placeAbuseBan } from '../../src/abuse/place-abuse-ban.ts';
import { createCustomer } from '../support/factories.ts';
import { signIn } from '../support/sign-in.ts';
import { bearer, createTestApp } from '../support/test-app.ts';
import { createTestContext } from '../support/test-database.ts';

const ctx = await createTestContext({ NUMPOOL_ABUSE_GUARD: '1' });
const app = await createTestApp(ctx);
const admin = await createCustomer(ctx, { role: 'admin' });

const reason = {
  orders: 12,
  failed: 11,
  failureRate: 11 / 12,
  thresholds: { windowOrders: 20, minOrders: 10, failureRate: 0.8 },
};

async function banned() {
  const me = await createCustomer(ctx);
  const ban = await placeAbuseBan({ ctx, input: { accountId: me.account.id, reason } });
  return { ...me, ban: ban! };
}

const get = (url: string, headers: Record<string, string>) => app.inject({ method: 'GET', url, headers });
const post = (url: string, headers: Record<string, string>) => app.inject({ method: 'POST', url, headers });

describe('GET /api/abuse-guard', () => {
  it('tells an account in good standing so, with the thresholds', async () => {
    const me = await createCustomer(ctx);
    const response = await get('/api/abuse-guard', bearer(me.apiKey));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      success: true,
      data: {
        banned: false,
        until: null,
        tier: null,
        retry_after_seconds: 0,
        recent: { orders: 0, failed: 0, failure_rate: 0 },
        thresholds: { enabled: true, window_orders: 20, min_orders: 10, failure_rate: 0.8, ban_minutes: 15 },
      },
    });
  });

  it('shows a ban, and what tripped it, to its own account only (key or session)', async () => {
    const a = await banned();
    const b = await createCustomer(ctx);
    const own = await get('/api/abuse-guard', bearer(a.apiKey));
    expect(own.json().data).toMatchObject({
      banned: true,
      until: a.ban.until.toISOString(),
      tier: 1,
      recent: { orders: 12, failed: 11 },
    });
    expect(own.json().data.retry_after_seconds).toBeGreaterThan(14 * 60);
    const session = await signIn(ctx, app, a.account.id);
    expect((await get('/api/abuse-guard', session.cookies)).json().data.banned).toBe(true);
    // There is no id to pass: another account sees only itself, and a query string changes nothing.
    expect((await get('/api/abuse-guard', bearer(b.apiKey))).json().data.banned).toBe(false);
    expect(
      (await get(`/api/abuse-guard?account_id=${a.account.id}`, bearer(b.apiKey))).json().data.banned,
    ).toBe(false);
  });

  it('needs a key or a session', async () => {
    const response = await get('/api/abuse-guard', {});
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('UNAUTHORIZED');
    expect((await get('/api/abuse-guard', bearer('0'.repeat(32)))).statusCode).toBe(401);
  });
});

describe('/admin/api/accounts/:id/abuse-guard', () => {
  it('shows any account’s state and lifts its ban', async () => {
    const me = await banned();
    const url = `/admin/api/accounts/${me.account.id}/abuse-guard`;
    const shown = await get(url, bearer(admin.apiKey));
    expect(shown.statusCode).toBe(200);
    expect(shown.json().data).toMatchObject({ banned: true, tier: 1 });

    const session = await signIn(ctx, app, admin.account.id);
    const lifted = await post(`${url}/lift`, session.headers);
    expect(lifted.statusCode, lifted.body).toBe(200);
    expect(lifted.json().data).toMatchObject({ banned: false, until: null, tier: null });
    expect((await get('/api/abuse-guard', bearer(me.apiKey))).json().data.banned).toBe(false);
    const row = await ctx.db.query('SELECT lifted_at, lifted_by FROM abuse_bans WHERE id = $1', [me.ban.id]);
    expect(row.rows[0]).toMatchObject({ lifted_at: expect.any(Date), lifted_by: admin.account.id });
  });

  it('is for admins only: a customer’s key or session is refused and nothing is lifted', async () => {
    const me = await banned();
    const url = `/admin/api/accounts/${me.account.id}/abuse-guard`;
    for (const headers of [bearer(me.apiKey), (await signIn(ctx, app, me.account.id)).headers]) {
      const read = await get(url, headers);
      expect(read.statusCode).toBe(403);
      expect(read.json().error.code).toBe('FORBIDDEN');
      expect((await post(`${url}/lift`, headers)).statusCode).toBe(403);
    }
    expect((await post(`${url}/lift`, {})).statusCode).toBe(401);
    // A session without its CSRF token cannot lift either.
    const adminSession = await signIn(ctx, app, admin.account.id);
    expect((await post(`${url}/lift`, adminSession.cookies)).statusCode).toBe(403);
    expect((await get('/api/abuse-guard', bearer(me.apiKey))).json().data.banned).toBe(true);
  });

  it('answers 404 for an unknown account, 409 when there is no ban, 422 for a malformed id, never 500', async () => {
    const headers = bearer(admin.apiKey);
    for (const path of [
      '/admin/api/accounts/987654321/abuse-guard',
      '/admin/api/accounts/987654321/abuse-guard/lift',
    ]) {
      const response = path.endsWith('lift') ? await post(path, headers) : await get(path, headers);
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('NOT_FOUND');
    }
    const clean = await createCustomer(ctx);
    const notBanned = await post(`/admin/api/accounts/${clean.account.id}/abuse-guard/lift`, headers);
    expect(notBanned.statusCode).toBe(409);
    expect(notBanned.json().error.code).toBe('CONFLICT');
    for (const id of ['abc', '-1', '1.5', '99999999999999999999', '%00']) {
      for (const response of [
        await get(`/admin/api/accounts/${id}/abuse-guard`, headers),
        await post(`/admin/api/accounts/${id}/abuse-guard/lift`, headers),
      ]) {
        expect(response.statusCode, `${id}: ${response.body}`).toBe(422);
        expect(response.json().error.code).toBe('VALIDATION_ERROR');
      }
    }
  });
});
