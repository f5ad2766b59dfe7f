/**
 * Security of the SMSCode surface /v2 (USD), route by route from /openapi.json, then across routes: a key
 * revoked on one node refused on another, a key's daily spend limit, a suspended account, the logs. The
 * cases are described in smscode-routes.ts, shared with /v1; the event stream, which only opens over
 * HTTP, is followed here: an account's stream carries its own events and never another's.
 */
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { deliverSms } from '../orders/order-fixture.ts';
import { waitUntil } from '../support/wait.ts';
import {
  describeCrossCutting,
  describeRouteSecurity,
  expectRefusal,
  type Owner,
  routeTable,
  securityKit,
} from './smscode-routes.ts';

const kit = await securityKit('v2');
const table = routeTable('v2');

await kit.world.app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${(kit.world.app.server.address() as AddressInfo).port}`;
await kit.appB.listen({ port: 0, host: '127.0.0.1' });
const baseB = `http://127.0.0.1:${(kit.appB.server.address() as AddressInfo).port}`;

describeRouteSecurity(kit, table);

interface StreamEvent {
  id: string;
  event: string;
  orderId: number;
}

/** Opens /v2/stream with the key and collects its events until closed. */
async function openStream(key: string, query = '', on = base) {
  const controller = new AbortController();
  const response = await fetch(`${on}/v2/stream${query}`, {
    headers: { authorization: `Bearer ${key}` },
    signal: controller.signal,
  });
  const events: StreamEvent[] = [];
  let ended = false;
  const reading = (async () => {
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        for (let split = buffer.indexOf('\n\n'); split >= 0; split = buffer.indexOf('\n\n')) {
          const fields = Object.fromEntries(
            buffer
              .slice(0, split)
              .split('\n')
              .filter((line) => line && !line.startsWith(':'))
              .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
          );
          buffer = buffer.slice(split + 2);
          if (fields.id)
            events.push({
              id: fields.id,
              event: fields.event!,
              orderId: JSON.parse(fields.data!).data.order_id,
            });
        }
      }
    } catch {
      // closed by the test
    } finally {
      ended = true;
    }
  })();
  return {
    response,
    events,
    /** Resolves when an event of this order arrived. */
    sawOrder: (orderId: number) =>
      waitUntil(async () => events.find((e) => e.orderId === orderId), 15_000, 10),
    /** Whether the server has ended the stream. */
    ended: () => ended,
    close: async () => {
      controller.abort();
      await reading;
    },
  };
}

describe('GET /v2/stream over HTTP', () => {
  let a: Owner;
  let b: Owner;

  it('opens for the owner’s key (200 text/event-stream) and carries the owner’s event', async () => {
    a = await kit.owner();
    b = await kit.owner();
    const order = await kit.openOrder(a);
    const stream = await openStream(a.apiKey);
    try {
      expect(stream.response.status).toBe(200);
      expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      await deliverSms(kit.world, order, { text: 'Your code is 515151', code: '515151' });
      expect(await stream.sawOrder(order)).toMatchObject({ event: 'order.otp_received', orderId: order });
    } finally {
      await stream.close();
    }
  });

  it('never carries another account’s events, live or replayed from the start', async () => {
    const theirs = await openStream(b.apiKey, '?events=all');
    const mine = await openStream(a.apiKey, '?events=all');
    try {
      const aOrder = await kit.openOrder(a);
      await deliverSms(kit.world, aOrder, { text: 'Your code is 626262', code: '626262' });
      await mine.sawOrder(aOrder);
      // Events reach a stream in order: once B's own later event is there, A's would have been before it.
      const bOrder = await kit.openOrder(b);
      await theirs.sawOrder(bOrder);
      const aOrders = (
        await kit.world.ctx.db.query<{ id: number }>('SELECT id FROM orders WHERE account_id = $1', [
          a.account.id,
        ])
      ).rows.map((r) => r.id);
      expect(theirs.events.length).toBeGreaterThan(0);
      for (const event of theirs.events) expect(aOrders).not.toContain(event.orderId);
      expect(mine.events.map((e) => e.orderId)).not.toContain(bOrder);
    } finally {
      await theirs.close();
      await mine.close();
    }
    // Replayed from the first event there is: still only B's own.
    const replay = await openStream(b.apiKey, '?events=all&last_event_id=0');
    try {
      const bOrder = await kit.openOrder(b);
      await replay.sawOrder(bOrder);
      const bOrders = (
        await kit.world.ctx.db.query<{ id: number }>('SELECT id FROM orders WHERE account_id = $1', [
          b.account.id,
        ])
      ).rows.map((r) => r.id);
      for (const event of replay.events) expect(bOrders).toContain(event.orderId);
    } finally {
      await replay.close();
    }
  });

  it('refuses no key with 401 and a key without read with 403, over HTTP too', async () => {
    const none = await fetch(`${base}/v2/stream`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
    const ordersOnly = await a.newKey({ scopes: ['orders'] });
    const refused = await kit.world.app.inject({
      method: 'GET',
      url: '/v2/stream',
      headers: { authorization: `Bearer ${ordersOnly.key}` },
    });
    expectRefusal(refused, 403, 'FORBIDDEN', 'this API key lacks the read scope');
    const overHttp = await fetch(`${base}/v2/stream`, {
      headers: { authorization: `Bearer ${ordersOnly.key}` },
    });
    expect(overHttp.status).toBe(403);
    await overHttp.body?.cancel();
  });

  it('opens for an allowlisted key from inside its list', async () => {
    // The test's own address is 127.0.0.1, so the list is that one address.
    const local = await a.newKey({ ip_allowlist: ['127.0.0.1'] });
    const stream = await openStream(local.key);
    try {
      expect(stream.response.status).toBe(200);
    } finally {
      await stream.close();
    }
    const outside = await a.newKey({ ip_allowlist: ['203.0.113.0/24'] });
    const refused = await fetch(`${base}/v2/stream`, { headers: { authorization: `Bearer ${outside.key}` } });
    expect(refused.status).toBe(403);
    await refused.body?.cancel();
  });

  it('ends an open stream once its key is revoked, loses read, or may not be used from here', async () => {
    const patch = async (id: number, payload: object) => {
      const changed = await kit.world.app.inject({
        method: 'PATCH',
        url: `/api/keys/${id}`,
        headers: a.browser.headers,
        payload,
      });
      expect(changed.statusCode).toBe(200);
    };
    const changes: Array<[string, (id: number) => Promise<void>]> = [
      ['revoked', (id) => a.revoke(id)],
      ['narrowed to orders', (id) => patch(id, { scopes: ['orders'] })],
      ['allowlisted elsewhere', (id) => patch(id, { ip_allowlist: ['203.0.113.0/24'] })],
    ];
    // A stream on a key nobody changes: it stays open through the others' changes.
    const untouched = await openStream(a.apiKey, '?events=all');
    try {
      for (const [what, change] of changes) {
        const { key, id } = await a.newKey({});
        const stream = await openStream(key, '?events=all');
        try {
          const before = await kit.openOrder(a);
          await stream.sawOrder(before);
          await change(id);
          await waitUntil(async () => (stream.ended() ? true : undefined), 10_000, 10).catch(() => {
            throw new Error(`the stream of a key ${what} is still open`);
          });
          const after = await kit.openOrder(a);
          await untouched.sawOrder(after);
          expect(
            stream.events.map((e) => e.orderId),
            what,
          ).not.toContain(after);
          const again = await fetch(`${base}/v2/stream`, { headers: { authorization: `Bearer ${key}` } });
          expect(again.status, what).toBe(what === 'revoked' ? 401 : 403);
          await again.body?.cancel();
        } finally {
          await stream.close();
        }
      }
      expect(untouched.ended()).toBe(false);
    } finally {
      await untouched.close();
    }
  });

  it('ends on node B when the key is revoked on node A', async () => {
    const { key, id } = await a.newKey({});
    const stream = await openStream(key, '?events=all', baseB);
    try {
      expect(stream.response.status).toBe(200);
      // Node B's stream follows node A's events through Redis.
      const order = await kit.openOrder(a);
      await stream.sawOrder(order);
      const heard = kit.onB.expect({ keyId: id });
      await a.revoke(id);
      await heard();
      await waitUntil(async () => (stream.ended() ? true : undefined), 10_000, 10);
    } finally {
      await stream.close();
    }
  });
});

// Last, so the logs it searches hold every request of the file but these few.
describeCrossCutting(kit, table);
