import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { orderChannel } from '../../src/orders/order-events.ts';
import { createRedisBus } from '../../src/platform/bus.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createRedis } from '../../src/platform/redis.ts';
import { purgeExpiredData } from '../../src/retention/purge-expired-data.ts';
import { connectSandboxPush } from '../../src/sandbox/start-sandbox-providers.ts';
import { customer, deliverSms, orderWorld } from '../orders/order-fixture.ts';
import { subscribedTo as subscribedOn } from '../support/subscribed-to.ts';
import { waitUntil } from '../support/wait.ts';

const world = await orderWorld();
await world.app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${(world.app.server.address() as AddressInfo).port}`;

interface SseEvent {
  id: string;
  event: string;
  data: { event: string; timestamp: string; data: { order_id: number; otp_code: string | null } };
}

/** Opens /v2/stream and collects events until `count` arrived (or the time runs out). */
async function readStream(
  apiKey: string,
  count: number,
  lastEventId?: string,
  timeoutMs = 10_000,
  query = '',
) {
  const controller = new AbortController();
  const response = await fetch(`${base}/v2/stream${query}`, {
    headers: { authorization: `Bearer ${apiKey}`, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
    signal: controller.signal,
  });
  const events: SseEvent[] = [];
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const opened = {
    response,
    events,
    done: (async () => {
      try {
        while (events.length < count) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let split = buffer.indexOf('\n\n');
          while (split >= 0) {
            const block = buffer.slice(0, split);
            buffer = buffer.slice(split + 2);
            const fields = Object.fromEntries(
              block
                .split('\n')
                .filter((l) => l && !l.startsWith(':'))
                .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]),
            );
            if (fields.id)
              events.push({ id: fields.id, event: fields.event!, data: JSON.parse(fields.data!) });
            split = buffer.indexOf('\n\n');
          }
        }
      } catch {
        // aborted
      } finally {
        clearTimeout(timer);
        controller.abort();
      }
      return events;
    })(),
  };
  return opened;
}

/** Resolves when the next subscription to channel is taken on the app's (real) bus. */
const subscribedTo = (channel: string) => subscribedOn(world.ctx.bus, channel);

describe('GET /v2/stream', () => {
  it('streams order events live, and replays missed ones from Last-Event-ID', async () => {
    const me = await customer(world);
    const [a, b] = (
      await me.call('POST', '/v1/orders/create', { catalog_product_id: world.catalogProductId, quantity: 2 })
    ).json().data.orders;
    const live = await readStream(me.apiKey, 1);
    // Headers are sent after the stream fixed its starting point and subscribed: nothing later is missed.
    expect(live.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await deliverSms(world, a.id, { text: 'code 1001', code: '1001' });
    const [first] = await live.done;
    expect(first).toMatchObject({
      event: 'order.otp_received',
      data: { event: 'order.otp_received', data: { order_id: a.id, otp_code: '1001' } },
    });

    // While disconnected: two more events.
    await deliverSms(world, b.id, { text: 'code 2002', code: '2002' });
    await me.call('POST', '/v1/orders/finish', { id: a.id });
    const resumed = await readStream(me.apiKey, 2, first!.id);
    const missed = await resumed.done;
    expect(missed.map((e) => e.event)).toEqual(['order.otp_received', 'order.completed']);
    expect(Number(missed[0]!.id)).toBeGreaterThan(Number(first!.id));

    const other = await customer(world);
    const theirs = await readStream(other.apiKey, 1, '0', 500);
    expect(await theirs.done).toEqual([]);
    expect((await fetch(`${base}/v2/stream`)).status).toBe(401);
  });
});

describe('GET /v2/stream event kinds', () => {
  it('carries the contract webhook events by default, and activation and resend with events=all', async () => {
    const me = await customer(world);
    const [item] = (
      await me.call('POST', '/v1/orders/create', { catalog_product_id: world.catalogProductId })
    ).json().data.orders;
    await deliverSms(world, item.id, { text: 'code 3003', code: '3003' });
    const webhookOnly = await readStream(me.apiKey, 1, '0');
    expect((await webhookOnly.done).map((e) => e.event)).toEqual(['order.otp_received']);
    const all = await readStream(me.apiKey, 2, '0', 10_000, '?events=all');
    const events = await all.done;
    expect(events.map((e) => e.event)).toEqual(['order.activated', 'order.otp_received']);
    expect(events[0]).toMatchObject({ data: { event: 'order.activated', data: { order_id: item.id } } });
    expect(
      (await fetch(`${base}/v2/stream?events=some`, { headers: { authorization: `Bearer ${me.apiKey}` } }))
        .status,
    ).toBe(422);
  });
});

describe('GET /v2/stream with transactions committing out of order', () => {
  it('still sends an event whose id is lower than one already streamed', async () => {
    const me = await customer(world);
    const [item] = (
      await me.call('POST', '/v1/orders/create', { catalog_product_id: world.catalogProductId })
    ).json().data.orders;
    const stream = await readStream(me.apiKey, 2);
    const insert = (
      db: { query: (t: string, v: unknown[]) => Promise<{ rows: Array<{ id: number }> }> },
      name: string,
    ) =>
      db.query(
        `INSERT INTO order_events (account_id, order_id, event, payload) VALUES ($1, $2, 'order.otp_received', $3) RETURNING id`,
        [me.account.id, item.id, JSON.stringify({ order_id: item.id, otp_code: name })],
      );
    const slow = await world.ctx.pool.connect();
    try {
      await slow.query('BEGIN');
      const early = (await insert(slow, 'early')).rows[0]!.id; // takes the lower id, commits last
      const late = (await insert(world.ctx.pool, 'late')).rows[0]!.id;
      expect(late).toBeGreaterThan(early);
      await world.ctx.bus.publish(`numpool:account:${me.account.id}`, String(late));
      await new Promise((r) => setTimeout(r, 200));
      await slow.query('COMMIT');
      await world.ctx.bus.publish(`numpool:account:${me.account.id}`, String(early));
    } finally {
      slow.release();
    }
    const events = await stream.done;
    expect(events.map((e) => e.data.data.otp_code).sort()).toEqual(['early', 'late']);
  });
});

describe('long-poll GET /orders/{id}?wait=', () => {
  it('answers as soon as the order changes, at once when it can no longer change, and at the timeout otherwise', async () => {
    const me = await customer(world);
    const [item] = (
      await me.call('POST', '/v1/orders/create', { catalog_product_id: world.catalogProductId })
    ).json().data.orders;
    const started = Date.now();
    const subscribed = subscribedTo(orderChannel(item.id));
    const waiting = me.call('GET', `/v1/orders/${item.id}?wait=30`);
    await subscribed; // the long-poll is waiting: a change from now on wakes it
    await deliverSms(world, item.id, { text: 'code 3003', code: '3003' });
    const answered = await waiting;
    expect(answered.json().data).toMatchObject({ status: 'OTP_RECEIVED', otp_code: '3003' });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(Object.keys(answered.json().data)).toHaveLength(24); // the shape is unchanged

    const already = await me.call('GET', `/v2/orders/${item.id}?wait=30&after_revision=0`);
    expect(already.json().data.sms_revision).toBe(1);
    expect(already.json().meta.fx.pair).toBe('USD/IDR');
    const quiet = Date.now();
    const timedOut = await me.call('GET', `/v1/orders/${item.id}?wait=1`);
    expect(timedOut.statusCode).toBe(200);
    expect(Date.now() - quiet).toBeGreaterThanOrEqual(900);
    expect((await me.call('GET', `/v1/orders/${item.id}?wait=61`)).statusCode).toBe(422);
  });
});

describe('wake-ups across nodes', () => {
  it('reach a subscriber on another node through Redis', async () => {
    const log = createLogger('silent');
    const url = process.env.NUMPOOL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
    const nodeA = createRedisBus(createRedis(url, log));
    const nodeB = createRedisBus(createRedis(url, log));
    const channel = `numpool:test:${Date.now()}`;
    const heard = new Promise<string>((resolve) => nodeB.subscribe(channel, resolve));
    const redis = createRedis(url, log);
    await waitUntil(async () => {
      const [, subscribers] = (await redis.pubsub('NUMSUB', channel)) as [string, number];
      return subscribers > 0 ? true : undefined;
    });
    redis.disconnect();
    await nodeA.publish(channel, '42');
    expect(await heard).toBe('42');
    await nodeA.close();
    await nodeB.close();
  });
});

describe('SMS pushed by a provider', () => {
  it('is accepted with the provider secret only, and counted once', async () => {
    const me = await customer(world);
    const [item] = (
      await me.call('POST', '/v1/orders/create', { catalog_product_id: world.catalogProductId })
    ).json().data.orders;
    const order = await world.ctx.db.query(
      'SELECT v.code, v.hook_secret, o.provider_ref FROM orders o JOIN providers v ON v.id = o.provider_id WHERE o.id = $1',
      [item.id],
    );
    const { code, hook_secret: secret, provider_ref: ref } = order.rows[0];
    const push = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      world.app.inject({
        method: 'POST',
        url: path,
        headers: { 'content-type': 'application/json', ...headers },
        payload: JSON.stringify(body),
      });
    const sms = {
      activationId: Number(ref) || ref,
      service: 'wa',
      text: 'Your WhatsApp code: 777-888',
      code: '777888',
      country: 6,
      receivedAt: '2026-01-01 10:00:00',
    };

    expect((await push(`/hooks/providers/${code}`, sms)).statusCode).toBe(401);
    expect((await push(`/hooks/providers/${code}?secret=wrong`, sms)).statusCode).toBe(401);
    // An unknown code is refused like a wrong secret: codes cannot be enumerated.
    const unknown = await push(`/hooks/providers/nobody?secret=${secret}`, sms);
    const wrong = await push(`/hooks/providers/${code}?secret=wrong`, sms);
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error).toEqual(wrong.json().error);
    expect((await push(`/hooks/providers/${code}?secret=${secret}`, { nonsense: true })).statusCode).toBe(
      422,
    );
    const accepted = await push(`/hooks/providers/${code}`, sms, { 'x-numpool-hook-secret': secret });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.body).toBe('OK');
    expect((await push(`/hooks/providers/${code}?secret=${secret}`, sms)).statusCode).toBe(200);
    expect((await me.call('GET', `/v1/orders/${item.id}`)).json().data).toMatchObject({
      otp_code: '777888',
      sms_revision: 1,
    });
    // A pushed SMS with a NUL in its text is the provider's text: taken without the control character.
    const withNul = { ...sms, text: 'Your WhatsApp code: 555-\u0000666', code: '555666' };
    expect((await push(`/hooks/providers/${code}?secret=${secret}`, withNul)).statusCode).toBe(200);
    expect((await me.call('GET', `/v1/orders/${item.id}`)).json().data).toMatchObject({
      otp_code: '555666',
      otp_message: 'Your WhatsApp code: 555-666',
      sms_revision: 2,
    });
  });

  it('arrives by push in the sandbox, with no polling at all', async () => {
    await connectSandboxPush({ ctx: world.ctx, input: { supply: world.supply, apiUrl: base } });
    const me = await customer(world);
    const created = await me.call('POST', '/v1/orders/create', {
      catalog_product_id: world.catalogProductId,
      prefer_provider: 'beta',
    });
    const item = created.json().data.orders[0];
    const ref = (await world.ctx.db.query('SELECT provider_ref FROM orders WHERE id = $1', [item.id])).rows[0]
      .provider_ref;
    await world.supply.simulator.injectSms('beta', ref, {
      text: 'Kode WhatsApp Anda: 246-810',
      code: '246810',
    });
    const current = await waitUntil(async () => {
      const order = (await me.call('GET', `/v1/orders/${item.id}`)).json().data;
      return order.status === 'OTP_RECEIVED' ? order : undefined;
    });
    expect(current).toMatchObject({ status: 'OTP_RECEIVED', otp_code: '246810' });
  });
});

describe('retention', () => {
  it('purges SMS texts, delivery logs and stream history past their periods, keeping orders and money', async () => {
    const me = await customer(world);
    const [item] = (
      await me.call('POST', '/v1/orders/create', { catalog_product_id: world.catalogProductId })
    ).json().data.orders;
    await deliverSms(world, item.id, { text: 'code 5150', code: '5150' });
    world.clock.advance(31 * 86_400_000);
    const purged = await purgeExpiredData({ ctx: world.ctx });
    expect(purged.smsTexts).toBeGreaterThanOrEqual(1);
    expect(purged.events).toBeGreaterThanOrEqual(1);
    const after = (await me.call('GET', `/v1/orders/${item.id}`)).json().data;
    expect(after).toMatchObject({ otp_code: '5150', otp_message: null, sms_revision: 1 });
    expect(await me.balance()).toBe(1_000_000 - item.amount);
    const texts = await world.ctx.db.query('SELECT text FROM sms_messages WHERE order_id = $1', [item.id]);
    expect(texts.rows).toEqual([{ text: null }]);
  });
});
