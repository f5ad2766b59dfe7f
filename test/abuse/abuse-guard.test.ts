/**
 * The abuse guard end to end: orders ending without an SMS ban the account from creating orders (the
 * window, the minimum, the threshold exactly), bans escalate and run out on the clock, an operator's lift
 * ends one at once and is audited, and every create surface refuses with the contract's answer while
 * reads and cancels keep working.
 */
import { describe, expect, it } from 'vitest';
import { listAudit } from '../../src/audit/list-audit.ts';
import { expireOrders } from '../../src/orders/expire-orders.ts';
import { EXPIRY_GRACE_SECONDS } from '../../src/orders/order.ts';
import { handlerGet } from '../handler/handler-client.ts';
import { customer, deliverSms, ledgerViolations, orderWorld } from '../orders/order-fixture.ts';
import { createCustomer } from '../support/factories.ts';
import { bearer } from '../support/test-app.ts';

// A small window so each case needs few orders: judged over the last 10, from 4 on, at 75 %.
const world = await orderWorld({
  NUMPOOL_ABUSE_GUARD: '1',
  NUMPOOL_ABUSE_WINDOW_ORDERS: '10',
  NUMPOOL_ABUSE_MIN_ORDERS: '4',
  NUMPOOL_ABUSE_FAILURE_RATE: '0.75',
  NUMPOOL_ABUSE_BAN_MINUTES: '15',
});
const admin = await createCustomer(world.ctx, { role: 'admin' });
const MINUTE = 60_000;

type Me = Awaited<ReturnType<typeof customer>>;
const body = () => ({ catalog_product_id: world.catalogProductId });

async function create(me: Me): Promise<number> {
  const created = await me.call('POST', '/v1/orders/create', body());
  expect(created.statusCode, created.body).toBe(200);
  return created.json().data.orders[0].id;
}

/** Orders that end without an SMS: created, then canceled once the cancel window is open. */
async function fail(me: Me, count: number): Promise<void> {
  const ids: number[] = [];
  for (let i = 0; i < count; i++) ids.push(await create(me));
  world.clock.advance(121_000);
  for (const id of ids) {
    const canceled = await me.call('POST', '/v1/orders/cancel', { id });
    expect(canceled.statusCode, canceled.body).toBe(200);
  }
}

/** An order that gets its SMS and is finished. */
async function succeed(me: Me): Promise<void> {
  const id = await create(me);
  await deliverSms(world, id, { code: '123456' });
  const finished = await me.call('POST', '/v1/orders/finish', { id });
  expect(finished.statusCode, finished.body).toBe(200);
}

async function state(me: Me) {
  const response = await me.call('GET', '/api/abuse-guard');
  expect(response.statusCode, response.body).toBe(200);
  return response.json().data;
}

function expectBanned(response: Awaited<ReturnType<Me['call']>>, tier: number) {
  expect(response.statusCode, response.body).toBe(429);
  const { error } = response.json();
  expect(error.code).toBe('TEMP_BANNED_ABUSE_GUARD');
  expect(Object.keys(error.details).sort()).toEqual(['retry_after_seconds', 'tier', 'until']);
  expect(error.details.tier).toBe(tier);
  expect(Number.isInteger(error.details.retry_after_seconds)).toBe(true);
  expect(error.details.until).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
  // Read after the answer was made: `left` is smaller by the time in between, and the answer rounded up.
  const left = (Date.parse(error.details.until) - world.clock.now().getTime()) / 1000;
  expect(error.details.retry_after_seconds - left).toBeGreaterThanOrEqual(0);
  expect(error.details.retry_after_seconds - left).toBeLessThan(2);
  expect(response.headers['retry-after']).toBe(String(error.details.retry_after_seconds));
  return error.details as { until: string; tier: number; retry_after_seconds: number };
}

describe('judging an account', () => {
  it('waits for the minimum number of finished orders', async () => {
    const me = await customer(world);
    await fail(me, 3);
    expect(await state(me)).toMatchObject({
      banned: false,
      recent: { orders: 3, failed: 3, failure_rate: 1 },
    });
    await fail(me, 1); // the fourth failure reaches the minimum
    expect(await state(me)).toMatchObject({ banned: true, tier: 1 });
    expectBanned(await me.call('POST', '/v1/orders/create', body()), 1);
  });

  it('trips at the failure rate, not below it', async () => {
    const me = await customer(world);
    await succeed(me);
    await succeed(me);
    await fail(me, 5); // 5 of 7 = 71 %
    expect(await state(me)).toMatchObject({
      banned: false,
      recent: { orders: 7, failed: 5 },
      thresholds: { enabled: true, window_orders: 10, min_orders: 4, failure_rate: 0.75, ban_minutes: 15 },
    });
    await create(me).then(async (id) => {
      world.clock.advance(121_000);
      await me.call('POST', '/v1/orders/cancel', { id });
    }); // 6 of 8 = 75 %
    const banned = await state(me);
    expect(banned).toMatchObject({
      banned: true,
      tier: 1,
      recent: { orders: 8, failed: 6, failure_rate: 0.75 },
    });
    expect(await ledgerViolations(world)).toEqual([]);
  });

  it('counts orders that expired without an SMS', async () => {
    const me = await customer(world);
    for (let i = 0; i < 4; i++) await create(me);
    world.clock.advance((world.ctx.config.orders.ttlSeconds + EXPIRY_GRACE_SECONDS + 1) * 1000);
    await expireOrders({ ctx: world.ctx });
    expect(await state(me)).toMatchObject({ banned: true, tier: 1, recent: { orders: 4, failed: 4 } });
    expectBanned(await me.call('POST', '/v1/orders/create', body()), 1);
  });

  it('judges only the last window of orders', async () => {
    const me = await customer(world);
    await fail(me, 3);
    for (let i = 0; i < 10; i++) await succeed(me);
    expect(await state(me)).toMatchObject({ banned: false, recent: { orders: 10, failed: 0 } });
  });
});

describe('a ban', () => {
  it('escalates 15 min → 30 min → 60 min, runs out on the clock, and old orders do not re-trigger it', async () => {
    const me = await customer(world);
    await fail(me, 4);
    const first = expectBanned(await me.call('POST', '/v1/orders/create', body()), 1);
    expect(Date.parse(first.until) - world.clock.now().getTime()).toBeGreaterThan(14 * MINUTE);
    expect(Date.parse(first.until) - world.clock.now().getTime()).toBeLessThanOrEqual(15 * MINUTE + 1_000);

    world.clock.advance(15 * MINUTE + 1_000);
    expect((await state(me)).banned).toBe(false);
    // The four failures that tripped it ended before it ran out: one more failure is one of one.
    await fail(me, 1);
    expect(await state(me)).toMatchObject({ banned: false, recent: { orders: 1, failed: 1 } });
    await fail(me, 3);
    const second = expectBanned(await me.call('POST', '/v2/orders/create', body()), 2);
    const secondLength = Date.parse(second.until) - world.clock.now().getTime();
    expect(secondLength).toBeGreaterThan(29 * MINUTE);
    expect(secondLength).toBeLessThanOrEqual(30 * MINUTE + 1_000);

    world.clock.advance(30 * MINUTE + 1_000);
    await fail(me, 4);
    const third = expectBanned(await me.call('POST', '/v1/orders/create', body()), 3);
    expect(Date.parse(third.until) - world.clock.now().getTime()).toBeGreaterThan(59 * MINUTE);

    // A day after the last ban ended, the next one starts over at tier 1.
    world.clock.advance(60 * MINUTE + 25 * 60 * MINUTE);
    await fail(me, 4);
    expectBanned(await me.call('POST', '/v1/orders/create', body()), 1);
  });

  it('refuses /v1 and /v2 creates with the contract’s details; reads and cancel keep working', async () => {
    const me = await customer(world);
    const open = await create(me);
    await fail(me, 4);
    const v1 = expectBanned(
      await me.call('POST', '/v1/orders/create', body(), { 'idempotency-key': 'k1' }),
      1,
    );
    const v2 = expectBanned(
      await me.call('POST', '/v2/orders/create', body(), { 'idempotency-key': 'k1' }),
      1,
    );
    expect(v2.until).toBe(v1.until);
    // Nothing was held or claimed for the refused creates.
    const keys = await world.ctx.db.query(
      'SELECT count(*)::int AS n FROM idempotency_keys WHERE account_id = $1 AND key = $2',
      [me.account.id, 'k1'],
    );
    expect(keys.rows[0].n).toBe(0);

    expect((await me.call('GET', `/v1/orders/${open}`)).statusCode).toBe(200);
    expect((await me.call('GET', '/v2/orders')).statusCode).toBe(200);
    expect((await me.call('GET', '/v1/balance')).statusCode).toBe(200);
    const canceled = await me.call('POST', '/v1/orders/cancel', { id: open });
    expect(canceled.statusCode, canceled.body).toBe(200);
    expect(await ledgerViolations(world)).toEqual([]);
  });

  it("answers the handler API with BANNED:'YYYY-m-d H-i-s' (UTC), in both dialects", async () => {
    const me = await customer(world);
    await fail(me, 4);
    const { until } = await state(me);
    const iso = new Date(until).toISOString();
    const expected = `BANNED:'${iso.slice(0, 10)} ${iso.slice(11, 13)}-${iso.slice(14, 16)}-${iso.slice(17, 19)}'`;
    for (const action of ['getNumber', 'getNumberV2']) {
      const plain = await handlerGet(world, { api_key: me.apiKey, action, service: 'wa', country: 6 });
      expect({ status: plain.statusCode, body: plain.body }).toEqual({ status: 200, body: expected });
      expect(plain.body).toMatch(/^BANNED:'\d{4}-\d{2}-\d{2} \d{2}-\d{2}-\d{2}'$/);
    }
    const json = await handlerGet(world, {
      api_key: me.apiKey,
      action: 'getNumber',
      service: 'wa',
      country: 6,
      errors: 'json',
    });
    expect(json.statusCode).toBe(403);
    expect(json.json().title).toBe('BANNED');
    expect(json.json().details).toContain(expected.slice('BANNED:'.length));
    // Reads on the handler API still answer.
    const balance = await handlerGet(world, { api_key: me.apiKey, action: 'getBalance' });
    expect(balance.body).toMatch(/^ACCESS_BALANCE:/);
  });

  it('is lifted by an admin at once, audited with before and after, and the next one starts at tier 1', async () => {
    const me = await customer(world);
    await fail(me, 4);
    const banned = await state(me);
    const lifted = await world.app.inject({
      method: 'POST',
      url: `/admin/api/accounts/${me.account.id}/abuse-guard/lift`,
      headers: bearer(admin.apiKey),
    });
    expect(lifted.statusCode, lifted.body).toBe(200);
    expect(lifted.json().data).toMatchObject({
      banned: false,
      until: null,
      tier: null,
      retry_after_seconds: 0,
    });
    await create(me);

    const [entry] = await listAudit({
      ctx: world.ctx,
      input: { action: 'abuse_guard.lift', targetId: String(me.account.id) },
    });
    expect(entry).toMatchObject({
      actorKind: 'account',
      actorAccountId: admin.account.id,
      targetType: 'account',
      before: { banned: true, tier: 1, until: banned.until, lifted_at: null },
      after: { banned: false, tier: 1, until: banned.until },
    });
    expect((entry!.after as { lifted_at: string }).lifted_at).toEqual(expect.any(String));
    const [placed] = await listAudit({
      ctx: world.ctx,
      input: { action: 'abuse_guard.ban', targetId: String(me.account.id) },
    });
    expect(placed).toMatchObject({
      actorKind: 'system',
      actorAccountId: null,
      before: { banned: false },
      after: { banned: true, tier: 1, until: banned.until, reason: { orders: 4, failed: 4 } },
    });

    const again = await world.app.inject({
      method: 'POST',
      url: `/admin/api/accounts/${me.account.id}/abuse-guard/lift`,
      headers: bearer(admin.apiKey),
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('CONFLICT');

    // A lifted ban is forgiven: the next one is tier 1 again, though it follows within the day.
    await fail(me, 4);
    expectBanned(await me.call('POST', '/v1/orders/create', body()), 1);
  });

  it('is placed once when several orders end at the same moment', async () => {
    const me = await customer(world);
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) ids.push(await create(me));
    world.clock.advance(121_000);
    const canceled = await Promise.all(ids.map((id) => me.call('POST', '/v1/orders/cancel', { id })));
    expect(canceled.map((r) => r.statusCode)).toEqual(ids.map(() => 200));
    const bans = await world.ctx.db.query('SELECT tier FROM abuse_bans WHERE account_id = $1', [
      me.account.id,
    ]);
    expect(bans.rows).toEqual([{ tier: 1 }]);
    expect(await ledgerViolations(world)).toEqual([]);
  });

  it('is one account’s only: another account creates and sees itself unbanned', async () => {
    const a = await customer(world);
    const b = await customer(world);
    await fail(a, 4);
    expect((await state(a)).banned).toBe(true);
    expect(await state(b)).toMatchObject({ banned: false, recent: { orders: 0 } });
    await create(b);
  });
});
