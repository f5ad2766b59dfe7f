/**
 * Failure cases found in review: an unexpected error in a multi-order create, an SMS that cannot be
 * stored as-is, webhooks whose URL changes under pending retries, and inputs far out of range.
 */
import { describe, expect, it } from 'vitest';
import { deliverWebhook } from '../../src/delivery/webhooks/deliver-webhook.ts';
import { redeliver } from '../../src/delivery/webhooks/delivery-log.ts';
import { ingestSms } from '../../src/orders/ingest-sms.ts';
import { pollProviderSms } from '../../src/orders/poll-provider-sms.ts';
import { waitUntil } from '../support/wait.ts';
import { startReceiver } from '../support/webhook-receiver.ts';
import { customer, deliverSms, orderWorld } from './order-fixture.ts';

const world = await orderWorld({ NUMPOOL_WEBHOOK_ALLOW_PRIVATE: '1' });

describe('an unexpected failure in one unit of a multi-order create', () => {
  it('stops the run, and a retry of the key ends with exactly the orders asked for', async () => {
    const me = await customer(world, 10_000_000);
    // A real database failure on this account's second order insert.
    await world.ctx.db.query(`CREATE SEQUENCE IF NOT EXISTS fault_seq`);
    await world.ctx.db.query(`
      CREATE OR REPLACE FUNCTION fail_second_order() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.account_id = ${me.account.id} AND nextval('fault_seq') = 2 THEN
          RAISE EXCEPTION 'simulated: connection lost';
        END IF;
        RETURN NEW;
      END $$`);
    await world.ctx.db.query(
      `CREATE TRIGGER fail_second_order BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION fail_second_order()`,
    );
    try {
      const body = { catalog_product_id: world.catalogProductId, quantity: 10 };
      const first = await me.call('POST', '/v1/orders/create', body, { 'idempotency-key': 'stray-1' });
      expect(first.statusCode).toBe(500);
      const retry = await me.call('POST', '/v1/orders/create', body, { 'idempotency-key': 'stray-1' });
      expect(retry.json().data.orders).toHaveLength(10);
      // Units of the failed run still in flight settle one way or the other; none may add an order.
      await waitUntil(async () => {
        const provisioning = await world.ctx.db.query(
          `SELECT 1 FROM orders WHERE account_id = $1 AND status = 'PROVISIONING'`,
          [me.account.id],
        );
        return provisioning.rowCount === 0 ? true : undefined;
      });
      const live = await world.ctx.db.query(
        `SELECT count(*)::int AS n FROM orders WHERE account_id = $1 AND status = 'ACTIVE'`,
        [me.account.id],
      );
      expect(live.rows[0].n).toBe(10);
      const replay = await me.call('POST', '/v1/orders/create', body, { 'idempotency-key': 'stray-1' });
      expect(replay.body).toBe(retry.body);
    } finally {
      await world.ctx.db.query('DROP TRIGGER fail_second_order ON orders');
    }
  });
});

describe('an SMS with characters that cannot be stored', () => {
  it('is stored without them, and does not hold up other orders of the provider', async () => {
    const me = await customer(world);
    const orders = (
      await me.call('POST', '/v1/orders/create', { catalog_product_id: world.catalogProductId, quantity: 2 })
    ).json().data.orders;
    const rows = (
      await world.ctx.db.query(
        'SELECT o.id, o.provider_id, o.provider_ref, v.code FROM orders o JOIN providers v ON v.id = o.provider_id WHERE o.id = ANY($1) ORDER BY o.id',
        [orders.map((o: { id: number }) => o.id)],
      )
    ).rows;
    await world.supply.simulator.injectSms(rows[0].code, rows[0].provider_ref, {
      text: 'bad \u0000 1111',
      code: '1111',
    });
    await world.supply.simulator.injectSms(rows[1].code, rows[1].provider_ref, {
      text: 'good 2222',
      code: '2222',
    });
    await pollProviderSms({ ctx: world.ctx });
    for (const row of rows) {
      expect((await me.call('GET', `/v1/orders/${row.id}`)).json().data.status).toBe('OTP_RECEIVED');
    }
    expect((await me.call('GET', `/v1/orders/${rows[0].id}`)).json().data.otp_message).toBe('bad  1111');
    await expect(
      ingestSms({
        ctx: world.ctx,
        input: { providerId: rows[1].provider_id, providerRef: rows[1].provider_ref, text: 'x\u00001' },
      }),
    ).resolves.toBe('accepted');
  });
});

describe('a poll that finds only SMS the orders already hold', () => {
  it('takes no lock on them: an order locked elsewhere does not hold the poll up', async () => {
    const me = await customer(world);
    const [item] = (
      await me.call('POST', '/v1/orders/create', { catalog_product_id: world.catalogProductId })
    ).json().data.orders;
    await deliverSms(world, item.id, { text: 'code 7373', code: '7373' });
    expect((await me.call('GET', `/v1/orders/${item.id}`)).json().data.otp_code).toBe('7373');
    const holder = await world.ctx.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM orders WHERE id = $1 FOR UPDATE', [item.id]);
      // The provider reports the same SMS again; the poll must finish without waiting for the lock.
      let finished = false;
      const poll = pollProviderSms({ ctx: world.ctx }).then(() => {
        finished = true;
      });
      const outcome = await waitUntil(async () => {
        if (finished) return 'finished';
        const waiting = await world.ctx.db.query(
          `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        return waiting.rowCount ? 'waiting for the lock' : undefined;
      });
      await holder.query('ROLLBACK');
      await poll;
      expect(outcome).toBe('finished');
    } finally {
      holder.release();
    }
    const stored = await world.ctx.db.query(
      'SELECT count(*)::int AS n FROM sms_messages WHERE order_id = $1',
      [item.id],
    );
    expect(stored.rows[0].n).toBe(1);
  });
});

describe('webhook URLs that change', () => {
  it('redelivers a handler-format delivery to the handler URL', async () => {
    const me = await customer(world);
    const smscode = await startReceiver();
    const handler = await startReceiver();
    await me.call('PATCH', '/v1/webhook', { webhook_url: smscode.url });
    await me.call('PATCH', '/api/handler-settings', { handler_webhook_url: handler.url });
    const [item] = (
      await me.call('POST', '/v1/orders/create', { catalog_product_id: world.catalogProductId })
    ).json().data.orders;
    await deliverSms(world, item.id, { text: 'code 5555', code: '5555' });
    const row = await world.ctx.db.query(
      `SELECT id FROM webhook_deliveries WHERE account_id = $1 AND kind = 'handler'`,
      [me.account.id],
    );
    const again = await redeliver({
      ctx: world.ctx,
      input: { accountId: me.account.id, deliveryId: row.rows[0].id },
    });
    expect(again.url).toBe(handler.url);
  });

  it('sends pending retries to the new URL, which stays enabled', async () => {
    const me = await customer(world);
    await me.call('PATCH', '/v1/webhook', { webhook_url: 'http://127.0.0.1:9/dead' });
    const orders = (
      await me.call('POST', '/v1/orders/create', { catalog_product_id: world.catalogProductId, quantity: 10 })
    ).json().data.orders;
    for (const [i, o] of orders.entries()) await deliverSms(world, o.id, { text: `code ${1000 + i}` });
    const healthy = await startReceiver();
    await me.call('PATCH', '/v1/webhook', { webhook_url: healthy.url });
    const pending = await world.ctx.db.query(
      `SELECT id FROM webhook_deliveries WHERE account_id = $1 AND status = 'pending' ORDER BY id`,
      [me.account.id],
    );
    for (const { id } of pending.rows) await deliverWebhook({ ctx: world.ctx, input: { deliveryId: id } });
    const config = (await me.call('GET', '/v1/webhook')).json().data;
    expect({ sent: healthy.received.length, disabled: config.webhook_disabled_at }).toEqual({
      sent: 10,
      disabled: null,
    });
  });
});

describe('inputs far out of range', () => {
  it('are answered, never with a 500 or ERROR_SQL', async () => {
    const me = await customer(world);
    expect((await me.call('GET', '/v1/orders?offset=100000000000000000000')).statusCode).toBe(200);
    expect((await me.call('GET', '/api/webhook-deliveries?offset=100000000000000000000')).statusCode).toBe(
      200,
    );
    const handler = await world.app.inject({
      method: 'GET',
      url: `/stubs/handler_api.php?api_key=${me.apiKey}&action=getNumber&service=wa&country=6&maxPrice=999999999999999`,
    });
    expect(handler.body).toMatch(/^ACCESS_NUMBER:\d+:\d+$/);
  });
});
