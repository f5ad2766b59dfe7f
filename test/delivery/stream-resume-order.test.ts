/**
 * Resuming a stream is exact only if an account's events get their ids in the order they commit: a client
 * resumes from the newest id it saw, so an event committing later with a lower id would be skipped for good.
 * Two of one account's orders finish at once, the first transaction committing last: the event that
 * commits later still has the higher id, and a client that resumed in between receives it.
 */
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { lockOrder, transitionOrder } from '../../src/orders/order-lifecycle.ts';
import { withTransaction } from '../../src/platform/db.ts';
import { customer, deliverSms, orderWorld } from '../orders/order-fixture.ts';
import { waitUntil } from '../support/wait.ts';

const world = await orderWorld();
await world.app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${(world.app.server.address() as AddressInfo).port}`;

/** The ids and names of the events a stream replays after `from`, read until `count` came. */
async function replay(apiKey: string, from: number, count: number) {
  const controller = new AbortController();
  const response = await fetch(`${base}/v2/stream?events=all`, {
    headers: { authorization: `Bearer ${apiKey}`, 'last-event-id': String(from) },
    signal: controller.signal,
  });
  const seen: Array<{ id: number; event: string; order: number }> = [];
  const decoder = new TextDecoder();
  let buffer = '';
  const timer = setTimeout(() => controller.abort(), 10_000);
  try {
    for await (const chunk of response.body!) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const id = /^id: (\d+)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (id && data) {
          const body = JSON.parse(data) as { event: string; data: { order_id: number } };
          seen.push({ id: Number(id), event: body.event, order: body.data.order_id });
        }
      }
      if (seen.length >= count) break;
    }
  } catch {
    // aborted: fewer than count
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return seen;
}

describe('an account’s event ids', () => {
  it('follow commit order, so a stream resumed in between misses nothing', async () => {
    const me = await customer(world);
    const created = await me.call('POST', '/v2/orders/create', {
      catalog_product_id: world.catalogProductId,
      quantity: 2,
    });
    const [a, b] = created.json().data.orders as Array<{ id: number }>;
    await deliverSms(world, a!.id, { code: '1111' });
    await deliverSms(world, b!.id, { code: '2222' });
    const newest = async () =>
      Number(
        (
          await world.ctx.db.query<{ id: string | null }>(
            'SELECT max(id)::text AS id FROM order_events WHERE account_id = $1',
            [me.account.id],
          )
        ).rows[0]!.id,
      );

    let resumedFrom = 0;
    let finishB: Promise<unknown> | undefined;
    await withTransaction(world.ctx, async (tx) => {
      // Order A's completion takes its event id first, and commits last.
      const order = await lockOrder({ ctx: tx, input: { orderId: a!.id } });
      await transitionOrder({ ctx: tx, input: { order, move: { kind: 'complete' } } });
      finishB = me.call('POST', '/v2/orders/finish', { id: b!.id });
      const done = finishB.then(() => 'done');
      // B either commits now (with a higher id than A's uncommitted one) or waits for A.
      await waitUntil(
        async () => {
          const settled = await Promise.race([done, Promise.resolve('pending')]);
          if (settled === 'done') return true;
          const waiting = await world.ctx.db.query(
            `SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`,
          );
          return waiting.rowCount ? true : undefined;
        },
        30_000,
        20,
      );
      // A client reads everything visible now and remembers the newest id it saw.
      resumedFrom = await newest();
    });
    expect(((await finishB) as { statusCode: number }).statusCode).toBe(200);

    const completions = (await replay(me.apiKey, resumedFrom, 2)).filter(
      (e) => e.event === 'order.completed',
    );
    expect(completions.map((e) => e.order).sort()).toContain(a!.id);
    const all = await world.ctx.db.query<{ id: string; order_id: number }>(
      `SELECT id::text, order_id FROM order_events WHERE account_id = $1 AND event = 'order.completed' ORDER BY id`,
      [me.account.id],
    );
    // Both are there once, in commit order.
    expect(all.rows.map((r) => r.order_id)).toEqual([a!.id, b!.id]);
  });
});
