/**
 * The operator console's orders: search over every account, one order with its refund, and the manual
 * refund of a completed order — once, also under concurrency, audited, and clean in the ledger check.
 */
import { describe, expect, it } from 'vitest';
import { checkLedger } from '../../src/ledger/check-ledger.ts';
import { customer, deliverSms, orderWorld } from '../orders/order-fixture.ts';
import { createCustomer } from '../support/factories.ts';
import { bearer } from '../support/test-app.ts';

const world = await orderWorld();
const { app, ctx } = world;
const admin = await createCustomer(ctx, { role: 'admin' });

const call = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
  app.inject({
    method,
    url: `/admin/api${url}`,
    headers: bearer(admin.apiKey),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

type Me = Awaited<ReturnType<typeof customer>>;

async function create(me: Me): Promise<{ id: number; phone_number: string; amount: number }> {
  const created = await me.call('POST', '/v1/orders/create', { catalog_product_id: world.catalogProductId });
  expect(created.statusCode).toBe(200);
  return created.json().data.orders[0];
}

async function completed(me: Me) {
  const order = await create(me);
  await deliverSms(world, order.id, { text: 'Your code: 246810', code: '246810' });
  expect((await me.call('POST', '/v1/orders/finish', { id: order.id })).statusCode).toBe(200);
  return order;
}

describe('order search', () => {
  it('finds orders by id, phone, account, provider and status, newest first, paged by before_id', async () => {
    const me = await customer(world);
    const other = await customer(world);
    const a = await create(me);
    const b = await create(me);
    const theirs = await create(other);

    const mine = (await call('GET', `/orders?account_id=${me.account.id}`)).json().data;
    expect(mine.map((o: { id: number }) => o.id)).toEqual([b.id, a.id]);
    expect(mine[0]).toMatchObject({ account_id: me.account.id, status: 'ACTIVE', phone: b.phone_number });

    const byPhone = (await call('GET', `/orders?phone=%2B${theirs.phone_number}`)).json().data;
    expect(byPhone.map((o: { id: number }) => o.id)).toEqual([theirs.id]);
    expect((await call('GET', `/orders?id=${a.id}`)).json().data.map((o: { id: number }) => o.id)).toEqual([
      a.id,
    ]);

    const provider = mine[0].provider_id;
    const code = (await call('GET', `/providers/${provider}`)).json().data.code;
    for (const ref of [provider, code]) {
      const byProvider = (await call('GET', `/orders?provider=${ref}&account_id=${me.account.id}`)).json()
        .data;
      expect(byProvider.every((o: { provider_id: number }) => o.provider_id === provider)).toBe(true);
    }
    expect((await call('GET', '/orders?provider=no-such-provider')).json().data).toEqual([]);

    const page = (await call('GET', `/orders?account_id=${me.account.id}&limit=1`)).json().data;
    expect(page.map((o: { id: number }) => o.id)).toEqual([b.id]);
    const next = (await call('GET', `/orders?account_id=${me.account.id}&limit=1&before_id=${b.id}`)).json()
      .data;
    expect(next.map((o: { id: number }) => o.id)).toEqual([a.id]);

    const active = (await call('GET', `/orders?status=active&account_id=${other.account.id}`)).json().data;
    expect(active.map((o: { id: number }) => o.id)).toEqual([theirs.id]);
    expect(
      (await call('GET', `/orders?status=completed&account_id=${other.account.id}`)).json().data,
    ).toEqual([]);
  });

  it('refuses malformed filters with 422', async () => {
    for (const query of [
      'status=LOST',
      'phone=abc',
      'id=x',
      'id=-1',
      'before_id=1.5',
      'before_id=1000000000000000',
      'limit=many',
    ]) {
      const refused = await call('GET', `/orders?${query}`);
      expect(refused.statusCode, query).toBe(422);
      expect(refused.json().error.code).toBe('VALIDATION_ERROR');
    }
  });

  it('shows one order of any account; an unknown one is 404', async () => {
    const me = await customer(world);
    const order = await create(me);
    const shown = await call('GET', `/orders/${order.id}`);
    expect(shown.statusCode).toBe(200);
    expect(shown.json().data).toMatchObject({ id: order.id, account_id: me.account.id, refund: null });
    expect((await call('GET', '/orders/2147483000')).statusCode).toBe(404);
  });
});

describe('manual refund', () => {
  it('returns what a completed order cost to its wallet, once, audited', async () => {
    const me = await customer(world, 500_000);
    const order = await completed(me);
    const before = await me.balance();

    const refunded = await call('POST', `/orders/${order.id}/refund`, { reason: 'code did not work' });
    expect(refunded.statusCode).toBe(200);
    expect(refunded.json().data).toMatchObject({
      order_id: order.id,
      account_id: me.account.id,
      amount: order.amount,
    });
    expect(await me.balance()).toBe(before + order.amount);

    const again = await call('POST', `/orders/${order.id}/refund`, { reason: 'again' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('CONFLICT');
    expect(await me.balance()).toBe(before + order.amount);

    const shown = (await call('GET', `/orders/${order.id}`)).json().data;
    expect(shown.refund).toMatchObject({ amount: order.amount, memo: 'code did not work' });
    const log = (await call('GET', `/audit?target_type=order&target_id=${order.id}`)).json().data;
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      action: 'order.refund',
      actor_account_id: admin.account.id,
      request_id: refunded.headers['x-request-id'],
      before: { refunded: false, balance: { available: before } },
      after: {
        refunded: true,
        amount: order.amount,
        reason: 'code did not work',
        balance: { available: before + order.amount },
      },
    });
    expect(await checkLedger({ ctx })).toEqual([]);
  });

  it('refunds once when two operators refund at the same moment', async () => {
    const me = await customer(world, 500_000);
    const order = await completed(me);
    const before = await me.balance();
    const answers = await Promise.all(
      [1, 2, 3].map((n) => call('POST', `/orders/${order.id}/refund`, { reason: `operator ${n}` })),
    );
    expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 409, 409]);
    expect(await me.balance()).toBe(before + order.amount);
    const refunds = await ctx.db.query(
      `SELECT count(*)::int AS n FROM transfers WHERE code = 'order_refund' AND external_id = $1`,
      [`order:${order.id}`],
    );
    expect(refunds.rows[0].n).toBe(1);
    expect((await call('GET', `/audit?target_type=order&target_id=${order.id}`)).json().data).toHaveLength(1);
    expect(await checkLedger({ ctx })).toEqual([]);
  });

  it('refuses an order that is not completed (409) and an unknown one (404), refunding nothing', async () => {
    const me = await customer(world, 500_000);
    const open = await create(me);
    const charged = await create(me);
    await deliverSms(world, charged.id, { text: 'Your code: 135790', code: '135790' });
    const canceled = await create(me);
    world.clock.advance(121_000);
    expect((await me.call('POST', '/v1/orders/cancel', { id: canceled.id })).statusCode).toBe(200);
    const before = await me.balance();
    for (const id of [open.id, charged.id, canceled.id]) {
      const refused = await call('POST', `/orders/${id}/refund`, { reason: 'no' });
      expect(refused.statusCode, `order ${id}`).toBe(409);
      expect(refused.json().error.code).toBe('CONFLICT');
    }
    expect((await call('POST', '/orders/2147483000/refund', { reason: 'no' })).statusCode).toBe(404);
    expect((await call('POST', `/orders/${open.id}/refund`, {})).statusCode).toBe(422);
    expect(await me.balance()).toBe(before);
    expect(await checkLedger({ ctx })).toEqual([]);
  });
});
