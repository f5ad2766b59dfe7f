/**
 * Webhook dispatch at commit: the dispatcher, woken by the NOTIFY of the order's transaction, sends the
 * delivery without any job running; the safety-net job sends what the fast path did not, leaves alone what
 * it sent or holds, and never sends a scheduled retry early.
 */
import { describe, expect, it } from 'vitest';
import { deliverWebhook } from '../../src/delivery/webhooks/deliver-webhook.ts';
import { startWebhookDispatcher } from '../../src/delivery/webhooks/webhook-dispatcher.ts';
import { WEBHOOK_QUEUE, type WebhookJob } from '../../src/delivery/webhooks/webhook-queue.ts';
import {
  parseWakeupPayload,
  WEBHOOK_WAKEUP_CHANNEL,
  wakeupPayload,
} from '../../src/delivery/webhooks/webhook-wakeup.ts';
import { customer, deliverSms, ledgerViolations, orderWorld } from '../orders/order-fixture.ts';
import { cleanupAfterFile } from '../support/test-database.ts';
import { waitUntil } from '../support/wait.ts';
import { startReceiver } from '../support/webhook-receiver.ts';

const world = await orderWorld({ NUMPOOL_WEBHOOK_ALLOW_PRIVATE: '1' });
const { ctx } = world;

/** A customer with a webhook to a fresh receiver, and one order that received an SMS. */
async function orderWithCode(
  code: string,
  before?: (receiver: Awaited<ReturnType<typeof startReceiver>>) => void,
) {
  const receiver = await startReceiver();
  before?.(receiver);
  const me = await customer(world);
  await me.call('PATCH', '/v1/webhook', { webhook_url: receiver.url });
  const [item] = (
    await me.call('POST', '/v1/orders/create', { catalog_product_id: world.catalogProductId })
  ).json().data.orders;
  await deliverSms(world, item.id, { text: `code ${code}`, code });
  const row = await ctx.db.query<{ id: number; account_id: number }>(
    `SELECT d.id, d.account_id FROM webhook_deliveries d JOIN order_events e ON e.id = d.order_event_id
     WHERE e.order_id = $1 AND d.kind = 'smscode'`,
    [item.id],
  );
  return { receiver, me, orderId: item.id as number, deliveryId: row.rows[0]!.id };
}

/** The safety-net job queued for a delivery (the jobs are not worked in this file). */
async function safetyNetJob(deliveryId: number): Promise<{ data: WebhookJob; delayedMs: number }> {
  const job = await ctx.db.query<{ data: WebhookJob; delayed_ms: number }>(
    `SELECT data, extract(epoch FROM start_after - created_on) * 1000 AS delayed_ms FROM pgboss.job
     WHERE name = $1 AND (data->>'deliveryId')::bigint = $2`,
    [WEBHOOK_QUEUE, deliveryId],
  );
  expect(job.rows).toHaveLength(1);
  return { data: job.rows[0]!.data, delayedMs: Number(job.rows[0]!.delayed_ms) };
}

const deliveryRow = async (id: number) =>
  (
    await ctx.db.query<{ status: string; attempts: number; claimed_until: Date | null }>(
      'SELECT status, attempts, claimed_until FROM webhook_deliveries WHERE id = $1',
      [id],
    )
  ).rows[0]!;

describe('wake-up payloads', () => {
  it('round-trip, and anything malformed is dropped and counted', () => {
    const payload = wakeupPayload([
      { deliveryId: 7, attempts: 0 },
      { deliveryId: 12, attempts: 3 },
    ]);
    expect(parseWakeupPayload(payload)).toEqual({
      deliveries: [
        { deliveryId: 7, attempts: 0 },
        { deliveryId: 12, attempts: 3 },
      ],
      rejected: 0,
    });
    expect(parseWakeupPayload('7:0,x,0:1,-3:0,8,9:1:2,1e3:0, 10:2 ,99999999999999999:0')).toEqual({
      deliveries: [
        { deliveryId: 7, attempts: 0 },
        { deliveryId: 10, attempts: 2 },
      ],
      rejected: 7,
    });
    for (const bad of ['', undefined, null, 42, 'x'.repeat(9000)])
      expect(parseWakeupPayload(bad)).toEqual({ deliveries: [], rejected: 1 });
  });
});

describe('the dispatcher', () => {
  it('sends at commit without any job running, and the safety-net job then finds nothing to do', async () => {
    const dispatcher = startWebhookDispatcher(ctx);
    cleanupAfterFile(() => dispatcher.stop());
    await dispatcher.ready;
    const { receiver, me, deliveryId } = await orderWithCode('2468');
    const [request] = await receiver.waitFor(1);
    expect(JSON.parse(request!.body)).toMatchObject({
      event: 'order.otp_received',
      data: { otp_code: '2468' },
    });
    await waitUntil(async () => ((await deliveryRow(deliveryId)).status === 'delivered' ? true : undefined));
    expect(await deliveryRow(deliveryId)).toMatchObject({ attempts: 1, claimed_until: null });

    const job = await safetyNetJob(deliveryId);
    expect(job.data).toEqual({ deliveryId, attempts: 0 });
    expect(job.delayedMs).toBeGreaterThan(0);
    expect(await deliverWebhook({ ctx, input: job.data })).toBe('skipped');
    expect(receiver.received).toHaveLength(1);
    expect((await me.call('GET', '/v1/webhook')).json().data.webhook_consecutive_failures).toBe(0);

    // Garbage on the channel (anyone may NOTIFY) is ignored, and the next delivery still goes out.
    await ctx.db.query('SELECT pg_notify($1, $2), pg_notify($1, $3), pg_notify($1, $4)', [
      WEBHOOK_WAKEUP_CHANNEL,
      'not a delivery',
      '2147483000:0',
      `${deliveryId}:0`,
    ]);
    const next = await orderWithCode('1357');
    await next.receiver.waitFor(1);
    expect(receiver.received).toHaveLength(1);
    await dispatcher.stop();
  });
});

describe('the safety-net job', () => {
  it('sends what no dispatcher heard, once', async () => {
    const { receiver, deliveryId } = await orderWithCode('9753');
    const job = await safetyNetJob(deliveryId);
    expect(await deliveryRow(deliveryId)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await deliverWebhook({ ctx, input: job.data })).toBe('delivered');
    expect(await deliverWebhook({ ctx, input: job.data })).toBe('skipped');
    expect(receiver.received).toHaveLength(1);
  });

  it('waits out a live claim, and sends once the claim of a sender that died has expired', async () => {
    const { receiver, deliveryId } = await orderWithCode('8642');
    const job = await safetyNetJob(deliveryId);
    // Another worker claimed it and is (as far as anyone knows) still sending.
    await ctx.db.query(
      `UPDATE webhook_deliveries SET claimed_until = now() + interval '1 minute' WHERE id = $1`,
      [deliveryId],
    );
    const held = await deliverWebhook({ ctx, input: job.data });
    expect(held).toEqual({ claimedUntil: expect.any(Date) });
    expect(receiver.received).toHaveLength(0);
    // That worker died: its claim runs out.
    await ctx.db.query(
      `UPDATE webhook_deliveries SET claimed_until = now() - interval '1 second' WHERE id = $1`,
      [deliveryId],
    );
    expect(await deliverWebhook({ ctx, input: job.data })).toBe('delivered');
    expect(receiver.received).toHaveLength(1);
  });

  it('does not send a retry early: after a failed fast attempt, the first job and a late wake-up do nothing', async () => {
    const dispatcher = startWebhookDispatcher(ctx);
    cleanupAfterFile(() => dispatcher.stop());
    await dispatcher.ready;
    const { receiver, deliveryId } = await orderWithCode('1122', (r) => r.respond.push(500));
    await receiver.waitFor(1);
    await waitUntil(async () => ((await deliveryRow(deliveryId)).attempts === 1 ? true : undefined));
    await dispatcher.stop();
    expect(await deliveryRow(deliveryId)).toMatchObject({ status: 'pending', claimed_until: null });
    expect(await deliverWebhook({ ctx, input: { deliveryId, attempts: 0 } })).toBe('skipped');
    // The retry's own job carries the count it was scheduled for.
    const retry = await ctx.db.query<{ data: WebhookJob }>(
      `SELECT data FROM pgboss.job WHERE name = $1 AND (data->>'deliveryId')::bigint = $2 AND data->>'attempts' = '1'`,
      [WEBHOOK_QUEUE, deliveryId],
    );
    expect(retry.rows).toHaveLength(1);
    expect(await deliverWebhook({ ctx, input: retry.rows[0]!.data })).toBe('delivered');
    expect(receiver.received).toHaveLength(2);
    expect(await ledgerViolations(world)).toEqual([]);
  });
});
