/**
 * A provider that pushes SMS is polled only as a safety net (every 30 s), not every two seconds; one that
 * has never pushed is polled every time.
 */
import { describe, expect, it } from 'vitest';
import { pollProviderSms } from '../../src/orders/poll-provider-sms.ts';
import { customer, orderWorld } from './order-fixture.ts';

const world = await orderWorld();

async function openOrder() {
  const me = await customer(world);
  const [item] = (
    await me.call('POST', '/v1/orders/create', { catalog_product_id: world.catalogProductId })
  ).json().data.orders;
  const row = await world.ctx.db.query(
    `SELECT o.provider_id, o.provider_ref, v.code, v.hook_secret FROM orders o JOIN providers v ON v.id = o.provider_id
     WHERE o.id = $1`,
    [item.id],
  );
  const order = row.rows[0];
  return {
    me,
    id: item.id as number,
    order,
    code: async () => (await me.call('GET', `/v1/orders/${item.id}`)).json().data.otp_code as string | null,
  };
}

describe('polling a provider that pushes', () => {
  it('is skipped between safety-net polls, and catches what a lost push missed at the next one', async () => {
    const { order, code } = await openOrder();
    await pollProviderSms({ ctx: world.ctx });
    const pushed = await world.app.inject({
      method: 'POST',
      url: `/hooks/providers/${order.code}?secret=${order.hook_secret}`,
      payload: { activationId: order.provider_ref, text: 'Your code: 1111', code: '1111' },
    });
    expect(pushed.statusCode).toBe(200);
    expect(await code()).toBe('1111');

    // A later SMS whose push is lost: the provider only reports it when asked.
    await world.supply.simulator.injectSms(order.code, order.provider_ref, {
      text: 'Your code: 2222',
      code: '2222',
    });
    await pollProviderSms({ ctx: world.ctx });
    expect(await code()).toBe('1111');

    // The safety-net interval has passed.
    world.ctx.upstreams.lastPolledAt.set(order.provider_id, Date.now() - 30_000);
    await pollProviderSms({ ctx: world.ctx });
    expect(await code()).toBe('2222');
  });

  it('polls every time a provider that has not pushed lately', async () => {
    const { order, code } = await openOrder();
    await world.ctx.db.query('UPDATE providers SET last_push_at = NULL WHERE id = $1', [order.provider_id]);
    await pollProviderSms({ ctx: world.ctx });
    await world.supply.simulator.injectSms(order.code, order.provider_ref, {
      text: 'Your code: 3333',
      code: '3333',
    });
    await pollProviderSms({ ctx: world.ctx });
    expect(await code()).toBe('3333');
  });
});
