/**
 * Status reads (GET /v1|/v2/orders/{id}, the handler's getStatus) answer from the order cache while an
 * order is unchanged, and never serve it past a change: not on the node that made the change, not on
 * another node (through Redis), and never to another account.
 */
import { describe, expect, it } from 'vitest';
import { ORDER_CHANGES } from '../../src/orders/order-cache.ts';
import { createRedisBus } from '../../src/platform/bus.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createRedis } from '../../src/platform/redis.ts';
import { redisBuses } from '../support/redis-nodes.ts';
import { createTestApp, sdkHeaders } from '../support/test-app.ts';
import { cleanupAfterFile, contextOn } from '../support/test-database.ts';
import { waitUntil } from '../support/wait.ts';
import { customer, deliverSms, ledgerViolations, orderWorld } from './order-fixture.ts';

const { busA, busB } = redisBuses();
const world = await orderWorld({}, undefined, { bus: busA });
// Another node of the same deployment: same database and secret, its own caches.
const nodeB = await contextOn(
  world.ctx.url,
  { NUMPOOL_SECRET: world.ctx.secret },
  { clock: world.clock, bus: busB },
);
const appB = await createTestApp(nodeB);

const me = await customer(world);
const other = await customer(world);
const onB = (path: string) => appB.inject({ method: 'GET', url: path, headers: sdkHeaders(me.apiKey) });
const status = async (response: { json(): { data: { status: string } } }) => response.json().data.status;

// Both nodes hear the bus before anything is read: a subscription may still be connecting.
const heard: string[] = [];
busB.subscribe(ORDER_CHANGES, (message) => heard.push(message));
await waitUntil(async () => {
  await busA.publish(ORDER_CHANGES, '0');
  return heard.length > 0 ? true : undefined;
});

async function createOrder(): Promise<number> {
  const created = await me.call('POST', '/v1/orders/create', { catalog_product_id: world.catalogProductId });
  expect(created.statusCode).toBe(200);
  return created.json().data.orders[0].id;
}

describe('status reads from the order cache', () => {
  it('answer from memory while the order is unchanged, with the bytes of a fresh read', async () => {
    const id = await createOrder();
    for (const version of ['v1', 'v2']) {
      const path = `/${version}/orders/${id}`;
      const first = await me.call('GET', path);
      expect(first.statusCode).toBe(200);
      expect((await me.call('GET', path)).body).toBe(first.body);
      // Node B has not read this order yet: its answer comes from the database.
      expect((await onB(path)).body).toBe(first.body);
    }
    // A change made behind numpool's back (no order event) is not seen: the read came from memory.
    await world.ctx.db.query(`UPDATE orders SET phone = '628000000000' WHERE id = $1`, [id]);
    expect((await me.call('GET', `/v1/orders/${id}`)).json().data.phone).not.toBe('628000000000');
  });

  it('never serve another account, cached or not', async () => {
    const id = await createOrder();
    expect((await me.call('GET', `/v1/orders/${id}`)).statusCode).toBe(200);
    expect((await other.call('GET', `/v1/orders/${id}`)).statusCode).toBe(404);
    expect((await other.call('GET', `/v2/orders/${id}`)).statusCode).toBe(404);
    const status = await world.app.inject({
      method: 'GET',
      url: `/stubs/handler_api.php?api_key=${other.apiKey}&action=getStatus&id=${id}`,
    });
    expect(status.body).toBe('NO_ACTIVATION');
    expect((await me.call('GET', `/v1/orders/${id}`)).statusCode).toBe(200);
  });

  it('show a change at once on the node that made it, and soon on the other', async () => {
    const id = await createOrder();
    const path = `/v1/orders/${id}`;
    expect(await status(await me.call('GET', path))).toBe('ACTIVE');
    expect(await status(await onB(path))).toBe('ACTIVE');

    await deliverSms(world, id, { code: '424242' });
    const afterSms = (await me.call('GET', path)).json().data;
    expect(afterSms).toMatchObject({ status: 'OTP_RECEIVED', otp_code: '424242' });
    await waitUntil(async () => ((await status(await onB(path))) === 'OTP_RECEIVED' ? true : undefined));
    expect((await onB(path)).json().data).toEqual(afterSms);

    expect((await me.call('POST', '/v1/orders/finish', { id })).statusCode).toBe(200);
    expect(await status(await me.call('GET', path))).toBe('COMPLETED');
    await waitUntil(async () => ((await status(await onB(path))) === 'COMPLETED' ? true : undefined));
  });

  it('show a change made on the other node', async () => {
    const id = await createOrder();
    const path = `/v2/orders/${id}`;
    expect(await status(await me.call('GET', path))).toBe('ACTIVE');
    world.clock.advance(121_000);
    const canceled = await appB.inject({
      method: 'POST',
      url: '/v1/orders/cancel',
      headers: sdkHeaders(me.apiKey),
      payload: JSON.stringify({ id }),
    });
    expect(canceled.statusCode).toBe(200);
    expect(await status(await onB(path))).toBe('CANCELED');
    await waitUntil(async () =>
      (await status(await me.call('GET', path))) === 'CANCELED' ? true : undefined,
    );
  });

  it('show a node its own change even when it hears nothing from the bus', async () => {
    // Redis is unreachable for this node: no bus message ever comes back to it.
    const deaf = createRedis('redis://127.0.0.1:1', createLogger('silent'));
    cleanupAfterFile(() => deaf.disconnect());
    const nodeC = await contextOn(
      world.ctx.url,
      { NUMPOOL_SECRET: world.ctx.secret },
      { clock: world.clock, bus: createRedisBus(deaf) },
    );
    const appC = await createTestApp(nodeC);
    const onC = (method: 'GET' | 'POST', path: string, body?: unknown) =>
      appC.inject({
        method,
        url: path,
        headers: sdkHeaders(me.apiKey),
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      });
    const id = await createOrder();
    expect(await status(await onC('GET', `/v1/orders/${id}`))).toBe('ACTIVE');
    world.clock.advance(121_000);
    expect((await onC('POST', '/v1/orders/cancel', { id })).statusCode).toBe(200);
    expect(await status(await onC('GET', `/v1/orders/${id}`))).toBe('CANCELED');
  });

  it('leave the ledger balanced', async () => {
    expect(await ledgerViolations(world)).toEqual([]);
  });
});
