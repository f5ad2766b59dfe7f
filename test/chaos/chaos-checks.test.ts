/**
 * The chaos run's end checks (scripts/chaos/checks.ts) can fail: on an honest world every check holds,
 * and each broken promise — an SMS the webhook receiver never got, an event a stream missed, a 5xx outside
 * an outage, an idempotent replay that made a second order, an upstream activation left open, a wallet
 * whose totals drifted — turns its own check false.
 */
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../scripts/chaos/checks.ts';
import { newTraffic, type Streams, type WebhookReceiver } from '../../scripts/chaos/traffic.ts';
import { customer, deliverSms, orderWorld } from '../orders/order-fixture.ts';

const world = await orderWorld({ NUMPOOL_MIN_CANCEL_SECONDS: '0' });
const buyer = await customer(world);
const accountIds = [buyer.account.id];

async function order(): Promise<number> {
  const created = await buyer.call('POST', '/v2/orders/create', {
    catalog_product_id: world.catalogProductId,
  });
  expect(created.statusCode, created.body).toBe(200);
  return created.json().data.orders[0].id;
}

const finished = await order();
await deliverSms(world, finished, { code: '123456' });
expect((await buyer.call('POST', '/v2/orders/finish', { id: finished })).statusCode).toBe(200);

/** What honest consumers saw: every event on the stream, every SMS at the webhook receiver. */
async function honest() {
  const events = await world.ctx.db.query<{ id: string; order_id: number; event: string }>(
    'SELECT id::text, order_id, event FROM order_events WHERE account_id = $1',
    [buyer.account.id],
  );
  const streams: Streams = {
    seen: new Map([[buyer.account.id, new Set(events.rows.map((e) => Number(e.id)))]]),
    reconnects: 0,
    endings: new Map<string, number>(),
    close: () => undefined,
  };
  const webhooks: WebhookReceiver = {
    url: 'http://127.0.0.1/unused',
    received: new Set(events.rows.map((e) => `${e.order_id}:${e.event}`)),
    close: async () => undefined,
  };
  return { streams, webhooks, traffic: newTraffic(), unexpectedExits: [] as string[] };
}

const check = async (
  facts: Awaited<ReturnType<typeof honest>>,
  outages = [] as { from: number; to: number; what: string }[],
) =>
  (
    await runChecks({
      ctx: world.ctx,
      simUrl: world.supply.simulator.url,
      accountIds,
      outages,
      ...facts,
    })
  ).checks;

describe('the chaos checks', () => {
  it('all hold on an honest world', async () => {
    const checks = await check(await honest());
    expect(Object.entries(checks).filter(([, ok]) => !ok)).toEqual([]);
  });

  it('see an SMS the webhook receiver never got, and an event a stream missed', async () => {
    const facts = await honest();
    facts.webhooks.received.delete(`${finished}:order.otp_received`);
    facts.streams.seen.get(buyer.account.id)!.clear();
    const checks = await check(facts);
    expect(checks.every_sms_delivered_to_webhook).toBe(false);
    expect(checks.every_sse_client_saw_every_event).toBe(false);
    expect(checks.ledger_check_clean).toBe(true);
  });

  it('tell a 5xx inside an outage window from one outside it, and see a replay that made a new order', async () => {
    const facts = await honest();
    const at = Date.now();
    facts.traffic.serverErrors.push({ at, status: 500, path: '/v2/orders/create', body: '' });
    expect(
      (await check(facts, [{ from: at - 10, to: at + 10, what: 'postgres' }])).no_5xx_outside_outage_windows,
    ).toBe(true);
    const outside = await check(facts, [{ from: at + 1_000, to: at + 2_000, what: 'redis' }]);
    expect(outside.no_5xx_outside_outage_windows).toBe(false);
    facts.traffic.creates.replayMismatches = 1;
    expect((await check(facts)).idempotent_retries_returned_the_same_order).toBe(false);
  });

  it('see a node that went away without being killed', async () => {
    const facts = await honest();
    facts.unexpectedExits.push('api-1 exited with 1');
    const checks = await check(facts);
    expect(checks.no_node_exited_by_itself).toBe(false);
    expect(checks.ledger_check_clean).toBe(true);
  });

  it('see an upstream activation left open, and a wallet whose totals drifted', async () => {
    const open = await order();
    const facts = await honest();
    expect((await check(facts)).no_upstream_activation_left_open).toBe(false);
    expect((await buyer.call('POST', '/v2/orders/cancel', { id: open })).statusCode).toBe(200);
    expect((await check(await honest())).no_upstream_activation_left_open).toBe(true);

    await world.ctx.db.query(
      'UPDATE ledger_accounts SET credits_posted = credits_posted + 1 WHERE account_id = $1',
      [buyer.account.id],
    );
    try {
      const drifted = await check(await honest());
      expect(drifted.wallets_equal_deposits_minus_charges).toBe(false);
      expect(drifted.ledger_check_clean).toBe(false);
    } finally {
      // Put the totals back: every test file ends with the ledger checked.
      await world.ctx.db.query(
        'UPDATE ledger_accounts SET credits_posted = credits_posted - 1 WHERE account_id = $1',
        [buyer.account.id],
      );
    }
  });
});
