/**
 * Two API nodes on one database and one Redis: a customer's event stream open on node A carries the code
 * of an SMS that node B ingested, through the Redis bus alone (each node has its own connections).
 */
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { customer, deliverSms, orderWorld } from '../orders/order-fixture.ts';
import { anotherNode } from '../support/another-node.ts';
import { redisBus } from '../support/redis-nodes.ts';

const world = await orderWorld({}, undefined, { bus: redisBus() });
const nodeB = await anotherNode(world.ctx, {}, { bus: redisBus() });
await world.app.listen({ port: 0, host: '127.0.0.1' });
const nodeA = `http://127.0.0.1:${(world.app.server.address() as AddressInfo).port}`;

describe('an event stream', () => {
  it('on node A carries an SMS ingested on node B', async () => {
    const me = await customer(world);
    const [order] = (
      await me.call('POST', '/v2/orders/create', { catalog_product_id: world.catalogProductId })
    ).json().data.orders;
    const controller = new AbortController();
    // Headers come once the stream has subscribed: nothing published after this is missed.
    const stream = await fetch(`${nodeA}/v2/stream`, {
      headers: { authorization: `Bearer ${me.apiKey}` },
      signal: controller.signal,
    });
    const reader = stream.body!.getReader();

    await deliverSms(world, order.id, { text: 'Your code is 771204', code: '771204' }, nodeB.ctx);

    let text = '';
    const decoder = new TextDecoder();
    while (!text.includes('event: order.otp_received')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    controller.abort();
    expect(text).toContain('event: order.otp_received');
    expect(text).toContain('"otp_code":"771204"');
  });
});
