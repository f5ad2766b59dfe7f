/**
 * Closing a node (SIGTERM runs app.close()) does not wait for clients that would otherwise keep it open:
 * open event streams end with a note to reconnect (EventSource clients resume with Last-Event-ID on
 * another node), and waiting long-polls answer the order as it is now. Requests arriving meanwhile are
 * refused with 503, which load balancers and SDKs retry elsewhere.
 */
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { orderChannel } from '../../src/orders/order-events.ts';
import { customer, orderWorld } from '../orders/order-fixture.ts';
import { subscribedTo } from '../support/subscribed-to.ts';

const world = await orderWorld();
await world.app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${(world.app.server.address() as AddressInfo).port}`;

describe('closing a node', () => {
  it('ends streams and answers long-polls instead of waiting for them', async () => {
    const me = await customer(world);
    const [order] = (
      await me.call('POST', '/v2/orders/create', { catalog_product_id: world.catalogProductId })
    ).json().data.orders;
    const headers = { authorization: `Bearer ${me.apiKey}` };

    const stream = await fetch(`${base}/v2/stream`, { headers });
    expect(stream.status).toBe(200);
    const streamText = stream.text();
    // A minute's wait: only closing can make it answer before the test's own timeout.
    const parked = subscribedTo(world.ctx.bus, orderChannel(order.id));
    const longPoll = fetch(`${base}/v2/orders/${order.id}?wait=60`, { headers });
    await parked;

    await world.app.close();
    expect(await streamText).toMatch(/: numpool is restarting; reconnect\n\n$/);
    const answered = await longPoll;
    expect(answered.status).toBe(200);
    expect(answered.headers.get('connection')).toBe('close');
    expect(((await answered.json()) as { data: unknown }).data).toMatchObject({
      id: order.id,
      status: 'ACTIVE',
    });
  });
});
