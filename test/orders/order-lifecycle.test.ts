import { describe, expect, it } from 'vitest';
import { expireOrders } from '../../src/orders/expire-orders.ts';
import { refundOrder } from '../../src/orders/refund-order.ts';
import { customer, deliverSms, ledgerViolations, orderWorld } from './order-fixture.ts';

const world = await orderWorld({ NUMPOOL_DAILY_CANCEL_LIMIT: '2' });

const SUMMARY_KEYS = [
  'amount',
  'can_cancel',
  'can_finish',
  'can_reactivate',
  'can_replace',
  'can_resend',
  'cancel_available_at',
  'canceled_at',
  'catalog_product_id',
  'created_at',
  'expires_at',
  'failed_reason',
  'id',
  'operator_id',
  'operator_name',
  'otp_code',
  'otp_message',
  'otp_received_at',
  'phone_number',
  'product_id',
  'replace_available_at',
  'resend_available_at',
  'sms_revision',
  'status',
].sort();
const ITEM_KEYS = [
  'amount',
  'can_cancel',
  'can_finish',
  'can_reactivate',
  'can_replace',
  'can_resend',
  'cancel_available_at',
  'catalog_product_id',
  'expires_at',
  'failed_reason',
  'id',
  'operator_id',
  'operator_name',
  'otp_code',
  'otp_received_at',
  'phone_number',
  'product_id',
  'replace_available_at',
  'resend_available_at',
  'status',
].sort();
const STATUS_KEYS = [
  'can_cancel',
  'can_finish',
  'can_reactivate',
  'can_replace',
  'can_resend',
  'cancel_available_at',
  'expires_at',
  'failed_reason',
  'id',
  'operator_id',
  'operator_name',
  'otp_code',
  'otp_message',
  'otp_received_at',
  'replace_available_at',
  'resend_available_at',
  'sms_revision',
  'status',
].sort();

describe('an order from create to completion on /v1', () => {
  it('creates, replays, receives the code, charges once, finishes', async () => {
    const me = await customer(world);
    const body = { catalog_product_id: world.catalogProductId };
    const created = await me.call('POST', '/v1/orders/create', body, { 'idempotency-key': 'flow-1' });
    expect(created.statusCode).toBe(200);
    const data = created.json().data;
    expect(data.failed_count).toBe(0);
    const [item] = data.orders;
    expect(Object.keys(item).sort()).toEqual(ITEM_KEYS);
    expect(item).toMatchObject({
      status: 'ACTIVE',
      otp_code: null,
      can_finish: false,
      can_resend: false,
      can_cancel: false,
      can_replace: false,
      can_reactivate: false,
      resend_available_at: null,
      catalog_product_id: world.catalogProductId,
    });
    expect(item.phone_number).toMatch(/^62\d+$/);
    const createdAt = Date.parse((await me.call('GET', `/v1/orders/${item.id}`)).json().data.created_at);
    expect(Date.parse(item.cancel_available_at) - createdAt).toBeGreaterThanOrEqual(119_000);
    expect(Date.parse(item.expires_at) - createdAt).toBeGreaterThanOrEqual(1_199_000);
    expect(item.replace_available_at).toBe(item.cancel_available_at);

    const replay = await me.call('POST', '/v1/orders/create', body, { 'idempotency-key': 'flow-1' });
    expect(replay.statusCode).toBe(200);
    expect(replay.body).toBe(created.body);
    expect(await me.balance()).toBe(1_000_000 - item.amount); // held, not yet paid

    await deliverSms(world, item.id, { text: 'Your WhatsApp code: 482-913', code: '482913' });
    const got = (await me.call('GET', `/v1/orders/${item.id}`)).json().data;
    expect(Object.keys(got).sort()).toEqual(SUMMARY_KEYS);
    expect(got).toMatchObject({
      status: 'OTP_RECEIVED',
      otp_code: '482913',
      otp_message: 'Your WhatsApp code: 482-913',
      sms_revision: 1,
      can_finish: true,
      can_cancel: false,
      cancel_available_at: null,
    });
    expect(await me.balance()).toBe(1_000_000 - item.amount);

    // The same SMS reported again (push and poll) is one SMS.
    await deliverSms(world, item.id, { text: 'Your WhatsApp code: 482-913', code: '482913' });
    expect((await me.call('GET', `/v1/orders/${item.id}`)).json().data.sms_revision).toBe(1);

    const finished = await me.call('POST', '/v1/orders/finish', { id: item.id });
    expect(finished.json()).toEqual({ success: true, data: { order_id: item.id, status: 'COMPLETED' } });
    const done = (await me.call('GET', `/v1/orders/${item.id}`)).json().data;
    expect(done).toMatchObject({
      status: 'COMPLETED',
      can_finish: false,
      can_resend: false,
      otp_code: '482913',
    });
    expect(await me.balance()).toBe(1_000_000 - item.amount);
    expect((await me.call('POST', '/v1/orders/finish', { id: item.id })).json().error.code).toBe('CONFLICT');
    expect(await ledgerViolations(world)).toEqual([]);

    // An operator refunds it afterwards: a new transfer, once.
    await refundOrder({ ctx: world.ctx, input: { orderId: item.id } });
    expect(await me.balance()).toBe(1_000_000);
    await expect(refundOrder({ ctx: world.ctx, input: { orderId: item.id } })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(await ledgerViolations(world)).toEqual([]);

    const events = await world.ctx.db.query(
      'SELECT event, payload FROM order_events WHERE order_id = $1 ORDER BY id',
      [item.id],
    );
    expect(events.rows.map((e) => e.event)).toEqual([
      'order.activated',
      'order.otp_received',
      'order.completed',
    ]);
    for (const event of events.rows) expect(Object.keys(event.payload)).toHaveLength(19);
    expect(events.rows[0].payload).toMatchObject({ order_id: item.id, otp_code: null, sms_revision: null });
    expect(events.rows[1].payload).toMatchObject({ order_id: item.id, otp_code: '482913', sms_revision: 1 });
    expect(events.rows[2].payload.sms_revision).toBeNull();
  });

  it('refuses a reused key with another body, and a malformed key', async () => {
    const me = await customer(world);
    await me.call(
      'POST',
      '/v1/orders/create',
      { catalog_product_id: world.catalogProductId },
      { 'idempotency-key': 'k-2' },
    );
    const reused = await me.call(
      'POST',
      '/v1/orders/create',
      { catalog_product_id: world.catalogProductId, quantity: 2 },
      {
        'idempotency-key': 'k-2',
      },
    );
    expect(reused.statusCode).toBe(422);
    expect(reused.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const malformed = await me.call(
      'POST',
      '/v1/orders/create',
      { catalog_product_id: 1 },
      { 'idempotency-key': 'bad key!' },
    );
    expect(malformed.statusCode).toBe(422);
    expect(malformed.json().error.code).toBe('VALIDATION_ERROR');
    // Keys are per account: another customer may use the same key.
    const other = await customer(world);
    const theirs = await other.call(
      'POST',
      '/v1/orders/create',
      { catalog_product_id: world.catalogProductId },
      {
        'idempotency-key': 'k-2',
      },
    );
    expect(theirs.statusCode).toBe(200);
  });

  it('resends: back to ACTIVE with the old code, cancel stays closed, the next SMS bumps the revision', async () => {
    const me = await customer(world);
    const [item] = (
      await me.call('POST', '/v1/orders/create', { catalog_product_id: world.catalogProductId })
    ).json().data.orders;
    await deliverSms(world, item.id, { text: 'code 1111', code: '1111' });
    const early = await me.call('POST', '/v1/orders/resend', { id: item.id });
    expect(early.json().error.code).toBe('CONFLICT'); // cooldown
    world.clock.advance(31_000);
    const resent = await me.call('POST', '/v1/orders/resend', { id: item.id });
    expect(resent.json()).toEqual({
      success: true,
      data: { order_id: item.id, status: 'ACTIVE', resent: true },
    });
    const after = (await me.call('GET', `/v1/orders/${item.id}`)).json().data;
    expect(after).toMatchObject({
      status: 'ACTIVE',
      otp_code: '1111',
      can_cancel: false,
      can_finish: true,
      can_resend: false,
    });
    expect((await me.call('POST', '/v1/orders/cancel', { id: item.id })).json().error.code).toBe('CONFLICT');
    await deliverSms(world, item.id, { text: 'code 2222', code: '2222' });
    expect((await me.call('GET', `/v1/orders/${item.id}`)).json().data).toMatchObject({
      status: 'OTP_RECEIVED',
      otp_code: '2222',
      sms_revision: 2,
    });
    expect(await me.balance()).toBe(1_000_000 - item.amount);
    const events = await world.ctx.db.query<{ event: string }>(
      'SELECT event FROM order_events WHERE order_id = $1 ORDER BY id',
      [item.id],
    );
    expect(events.rows.map((e) => e.event)).toEqual([
      'order.activated',
      'order.otp_received',
      'order.resend_requested',
      'order.otp_received',
    ]);
  });

  it('cancels only after the window, refunding in full', async () => {
    const me = await customer(world);
    const [item] = (
      await me.call('POST', '/v1/orders/create', { catalog_product_id: world.catalogProductId })
    ).json().data.orders;
    const early = await me.call('POST', '/v1/orders/cancel', { id: item.id });
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe('CANCEL_TOO_EARLY');
    world.clock.advance(121_000);
    expect((await me.call('GET', `/v1/orders/${item.id}`)).json().data).toMatchObject({
      can_cancel: true,
      can_replace: true,
      cancel_available_at: null,
    });
    const canceled = await me.call('POST', '/v1/orders/cancel', { id: item.id });
    expect(canceled.json()).toEqual({
      success: true,
      data: { order_id: item.id, status: 'CANCELED', refund_amount: item.amount, new_balance: 1_000_000 },
    });
    expect(await me.balance()).toBe(1_000_000);
    expect((await me.call('POST', '/v1/orders/cancel', { id: item.id })).json().error.code).toBe('CONFLICT');
    const view = (await me.call('GET', `/v1/orders/${item.id}`)).json().data;
    expect(view.status).toBe('CANCELED');
    expect(view.canceled_at).toBeTruthy();
    expect(await ledgerViolations(world)).toEqual([]);
  });

  it('caps cancels per day with 429 RATE_LIMIT_EXCEEDED and a Retry-After', async () => {
    const me = await customer(world);
    const orders = (
      await me.call('POST', '/v1/orders/create', { catalog_product_id: world.catalogProductId, quantity: 3 })
    ).json().data.orders;
    world.clock.advance(121_000);
    expect((await me.call('POST', '/v1/orders/cancel', { id: orders[0].id })).statusCode).toBe(200);
    expect((await me.call('POST', '/v1/orders/cancel', { id: orders[1].id })).statusCode).toBe(200);
    const capped = await me.call('POST', '/v1/orders/cancel', { id: orders[2].id });
    expect(capped.statusCode).toBe(429);
    expect(capped.json().error).toMatchObject({
      code: 'RATE_LIMIT_EXCEEDED',
      details: { retry_after_seconds: 3600 },
    });
    expect(capped.headers['retry-after']).toBe('3600');
    expect((await me.call('GET', `/v1/orders/${orders[2].id}`)).json().data.status).toBe('ACTIVE');
  });

  it('expires an order without SMS (money back) and completes one with an SMS', async () => {
    const me = await customer(world);
    const created = await me.call('POST', '/v1/orders/create', {
      catalog_product_id: world.catalogProductId,
      quantity: 2,
    });
    const [silent, answered] = created.json().data.orders;
    await deliverSms(world, answered.id, { text: 'code 5555', code: '5555' });
    world.clock.advance(1_211_000);
    const swept = await expireOrders({ ctx: world.ctx });
    expect(swept.expired).toBeGreaterThanOrEqual(1);
    expect((await me.call('GET', `/v1/orders/${silent.id}`)).json().data).toMatchObject({
      status: 'EXPIRED',
      failed_reason: 'NoSms',
      can_cancel: false,
    });
    expect((await me.call('GET', `/v1/orders/${answered.id}`)).json().data.status).toBe('COMPLETED');
    expect(await me.balance()).toBe(1_000_000 - answered.amount);
    expect(await ledgerViolations(world)).toEqual([]);
  });
});

describe('order reads', () => {
  it('lists most recent first, filters by status, pages, and keeps accounts apart', async () => {
    const me = await customer(world);
    const created = (
      await me.call('POST', '/v1/orders/create', { catalog_product_id: world.catalogProductId, quantity: 3 })
    ).json().data.orders;
    const ids = created.map((o: { id: number }) => o.id).sort((a: number, b: number) => b - a);
    const list = await me.call('GET', '/v1/orders');
    expect(Object.keys(list.json())).toEqual(['success', 'data']); // no meta on /v1 lists
    expect(list.json().data.map((o: { id: number }) => o.id)).toEqual(ids);
    expect(
      (await me.call('GET', '/v1/orders?limit=1&offset=1')).json().data.map((o: { id: number }) => o.id),
    ).toEqual([ids[1]]);
    expect((await me.call('GET', '/v1/orders?status=active')).json().data).toHaveLength(3);
    expect((await me.call('GET', '/v1/orders?status=COMPLETED')).json().data).toHaveLength(0);
    for (const version of ['v1', 'v2']) {
      const bogus = await me.call('GET', `/${version}/orders?status=BOGUS`);
      expect(bogus.statusCode).toBe(422);
      expect(bogus.json().error.code).toBe('VALIDATION_ERROR');
    }
    const active = await me.call('GET', '/v1/orders/active');
    expect(active.json().data).toHaveLength(3);
    for (const row of active.json().data) expect(Object.keys(row).sort()).toEqual(STATUS_KEYS);
    expect((await me.call('GET', '/v2/orders/active')).body).toBe(active.body);

    const stranger = await customer(world);
    expect((await stranger.call('GET', `/v1/orders/${ids[0]}`)).statusCode).toBe(404);
    expect((await stranger.call('POST', '/v1/orders/cancel', { id: ids[0] })).statusCode).toBe(404);
    expect((await stranger.call('GET', '/v1/orders')).json().data).toEqual([]);
    expect((await world.app.inject({ method: 'GET', url: '/v1/orders' })).statusCode).toBe(401);
    expect((await me.call('GET', '/v1/orders/99999999')).statusCode).toBe(404);
  });

  it('refuses reactivation (no provider re-uses numbers) after the existence checks', async () => {
    const me = await customer(world);
    const [item] = (
      await me.call('POST', '/v1/orders/create', { catalog_product_id: world.catalogProductId })
    ).json().data.orders;
    expect((await me.call('POST', '/v1/orders/reactivate', { id: 99_999_999 })).statusCode).toBe(404);
    const refused = await me.call(
      'POST',
      '/v1/orders/reactivate',
      { id: item.id },
      { 'idempotency-key': 're-1' },
    );
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('CONFLICT');
    expect((await me.call('GET', `/v2/orders/${item.id}/reactivate-options`)).json().error.code).toBe(
      'CONFLICT',
    );
  });
});
