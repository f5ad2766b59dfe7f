/**
 * The end of the rental window: a first SMS found just after it (most providers do not say when an SMS
 * arrived) may have arrived in time and is taken within EXPIRY_GRACE_SECONDS; the expiry sweep waits as
 * long. A first SMS the provider dates after the window, or found after the grace, is too late: the order
 * expires uncharged.
 */
import { describe, expect, it } from 'vitest';
import { expireOrders } from '../../src/orders/expire-orders.ts';
import { ingestSms } from '../../src/orders/ingest-sms.ts';
import { EXPIRY_GRACE_SECONDS } from '../../src/orders/order.ts';
import { customer, ledgerViolations, orderWorld } from './order-fixture.ts';

const world = await orderWorld();
const TTL_MS = 1_200_000;

async function openOrder() {
  const me = await customer(world);
  const created = await me.call('POST', '/v1/orders/create', { catalog_product_id: world.catalogProductId });
  const order = created.json().data.orders[0];
  const row = await world.ctx.db.query(
    'SELECT provider_id, provider_ref, expires_at FROM orders WHERE id = $1',
    [order.id],
  );
  const sms = (text: string, receivedAt?: Date) =>
    ingestSms({
      ctx: world.ctx,
      input: { providerId: row.rows[0].provider_id, providerRef: row.rows[0].provider_ref, text, receivedAt },
    });
  return { me, order, sms, expiresAt: row.rows[0].expires_at as Date };
}

describe('the end of the rental window', () => {
  it('takes a first SMS found within the grace, and the sweep leaves the order open until then', async () => {
    const { me, order, sms } = await openOrder();
    world.clock.advance(TTL_MS + (EXPIRY_GRACE_SECONDS / 2) * 1000);
    expect(await expireOrders({ ctx: world.ctx })).toEqual({ expired: 0, completed: 0 });
    expect(await sms('Your code: 2468')).toBe('accepted');
    expect((await me.call('GET', `/v1/orders/${order.id}`)).json().data.status).toBe('OTP_RECEIVED');
    expect(await me.balance()).toBe(1_000_000 - order.amount);
  });

  it('refuses a first SMS the provider dates after the window, even within the grace', async () => {
    const { me, order, sms, expiresAt } = await openOrder();
    world.clock.advance(TTL_MS + 2_000);
    expect(await sms('Your code: 1357', new Date(expiresAt.getTime() + 1_000))).toBe('closed_order');
    world.clock.advance(EXPIRY_GRACE_SECONDS * 1000);
    await expireOrders({ ctx: world.ctx });
    expect((await me.call('GET', `/v1/orders/${order.id}`)).json().data.status).toBe('EXPIRED');
    expect(await me.balance()).toBe(1_000_000);
  });

  it('refuses a first SMS found after the grace; the sweep expires the order uncharged', async () => {
    const { me, order, sms } = await openOrder();
    world.clock.advance(TTL_MS + EXPIRY_GRACE_SECONDS * 1000 + 1_000);
    expect(await sms('Your code: 9753')).toBe('closed_order');
    const swept = await expireOrders({ ctx: world.ctx });
    expect(swept.expired).toBeGreaterThanOrEqual(1);
    expect((await me.call('GET', `/v1/orders/${order.id}`)).json().data.status).toBe('EXPIRED');
    expect(await me.balance()).toBe(1_000_000);
    expect(await ledgerViolations(world)).toEqual([]);
  });
});
