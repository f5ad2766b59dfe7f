import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { startJobs } from '../../src/jobs/job-runner.ts';
import { customer, deliverSms, orderWorld } from '../orders/order-fixture.ts';
import { createCustomer } from '../support/factories.ts';
import { createTestApp, sdkHeaders } from '../support/test-app.ts';
import { cleanupAfterFile, createTestContext } from '../support/test-database.ts';
import { waitUntil } from '../support/wait.ts';
import { type Received, startReceiver } from '../support/webhook-receiver.ts';

const world = await orderWorld({
  NUMPOOL_WEBHOOK_ALLOW_PRIVATE: '1',
  NUMPOOL_WEBHOOK_RETRY_SCALE: '0.00001',
});
const jobs = await startJobs(world.ctx);
cleanupAfterFile(() => jobs.stop());

function verifyBoth(request: Received, secret: string) {
  const expected = createHmac('sha256', Buffer.from(secret, 'utf8')).update(request.body).digest('hex');
  expect(request.headers['x-webhook-signature']).toBe(`sha256=${expected}`);
  // A receiver using a Standard Webhooks library with the secret as whsec_ + base64.
  const verifier = new Webhook(`whsec_${Buffer.from(secret, 'utf8').toString('base64')}`);
  expect(() =>
    verifier.verify(request.body, {
      'webhook-id': String(request.headers['webhook-id']),
      'webhook-timestamp': String(request.headers['webhook-timestamp']),
      'webhook-signature': String(request.headers['webhook-signature']),
    }),
  ).not.toThrow();
}

async function withWebhook(url: string) {
  const me = await customer(world);
  const set = await me.call('PATCH', '/v1/webhook', { webhook_url: url });
  expect(set.statusCode).toBe(200);
  return { me, secret: set.json().data.webhook_secret as string };
}

describe('webhook configuration', () => {
  it('starts empty, generates a secret with the first URL, clears with "", and is the same on /v2', async () => {
    const me = await customer(world);
    const empty = await me.call('GET', '/v1/webhook');
    expect(empty.json()).toEqual({
      success: true,
      data: {
        webhook_url: null,
        webhook_secret: null,
        webhook_disabled_at: null,
        webhook_disabled_reason: null,
        webhook_consecutive_failures: 0,
      },
    });
    expect((await me.call('PATCH', '/v1/webhook', {})).json().error.code).toBe('VALIDATION_ERROR');
    const set = (await me.call('PATCH', '/v2/webhook', { webhook_url: 'http://127.0.0.1:9/hook' })).json()
      .data;
    expect(set.webhook_secret).toMatch(/^[0-9a-f]{64}$/);
    expect((await me.call('GET', '/v1/webhook')).body).toBe((await me.call('GET', '/v2/webhook')).body);
    const mine = (await me.call('PATCH', '/v1/webhook', { webhook_secret: 'my-own-secret' })).json().data;
    expect(mine).toMatchObject({ webhook_url: 'http://127.0.0.1:9/hook', webhook_secret: 'my-own-secret' });
    const cleared = (await me.call('PATCH', '/v1/webhook', { webhook_url: '', webhook_secret: '' })).json()
      .data;
    expect(cleared).toMatchObject({ webhook_url: null, webhook_secret: null });
  });

  it('refuses http and private targets unless development mode allows them', async () => {
    const strict = await createTestContext();
    const app = await createTestApp(strict);
    const { apiKey } = await createCustomer(strict);
    const me = {
      call: (method: 'PATCH', url: string, payload: unknown) =>
        app.inject({ method, url, headers: sdkHeaders(apiKey), payload: JSON.stringify(payload) }),
    };
    for (const url of [
      'http://93.184.216.34/hook',
      'https://127.0.0.1/hook',
      'https://10.0.0.7/x',
      'https://[::1]/x',
      'ftp://x.example',
    ]) {
      const refused = await me.call('PATCH', '/v1/webhook', { webhook_url: url });
      expect(refused.statusCode).toBe(422);
      expect(refused.json().error.code).toBe('VALIDATION_ERROR');
    }
    expect(
      (await me.call('PATCH', '/v1/webhook', { webhook_url: 'https://93.184.216.34/hook' })).statusCode,
    ).toBe(200);
  });

  it('test events: 422 without a URL, else signed and answered with the receiver status, rate limited across versions', async () => {
    const me = await customer(world);
    const none = await me.call('POST', '/v1/webhook/test');
    expect(none.statusCode).toBe(422);
    const receiver = await startReceiver();
    const { secret } = await withWebhook(receiver.url).then(async ({ me: _m, secret: s }) => {
      await me.call('PATCH', '/v1/webhook', { webhook_url: receiver.url, webhook_secret: s });
      return { secret: s };
    });
    receiver.respond.push(503);
    const first = await me.call('POST', '/v1/webhook/test', undefined, {
      'content-type': 'application/json',
    });
    expect(first.json()).toEqual({ success: true, data: { status_code: 503 } });
    const [request] = await receiver.waitFor(1);
    expect(JSON.parse(request!.body)).toEqual({
      event: 'webhook.test',
      timestamp: expect.any(String),
      data: { message: 'This is a test webhook event from SMSCode.' },
    });
    verifyBoth(request!, secret);
    const statuses = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await me.call('POST', i % 2 ? '/v1/webhook/test' : '/v2/webhook/test')).statusCode);
    expect(statuses.slice(0, 4)).toEqual([200, 200, 200, 200]);
    expect(statuses[4]).toBe(429);
    const limited = await me.call('POST', '/v2/webhook/test');
    expect(limited.json().error.code).toBe('RATE_LIMIT_EXCEEDED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('order events by webhook', () => {
  it('delivers every event of an order, signed both ways, in the contract payload', async () => {
    const receiver = await startReceiver();
    const { me, secret } = await withWebhook(receiver.url);
    const [item] = (
      await me.call('POST', '/v1/orders/create', { catalog_product_id: world.catalogProductId })
    ).json().data.orders;
    await deliverSms(world, item.id, { text: 'Your code is 918273', code: '918273' });
    await me.call('POST', '/v1/orders/finish', { id: item.id });
    const requests = await receiver.waitFor(2);
    const bodies = requests.map((r) => JSON.parse(r.body));
    expect(bodies.map((b) => b.event).sort()).toEqual(['order.completed', 'order.otp_received']);
    const otp = bodies.find((b) => b.event === 'order.otp_received');
    expect(Object.keys(otp)).toEqual(['event', 'timestamp', 'data']);
    expect(Object.keys(otp.data)).toHaveLength(19);
    expect(otp.data).toMatchObject({
      order_id: item.id,
      otp_code: '918273',
      sms_revision: 1,
      otp_message: 'Your code is 918273',
    });
    for (const request of requests) verifyBoth(request, secret);
    expect(new Set(requests.map((r) => r.headers['webhook-id'])).size).toBe(2);
  });

  it('retries a failing receiver: 500 five times, then 200 on the sixth try', async () => {
    const receiver = await startReceiver();
    receiver.respond.push(500, 500, 500, 500, 500);
    const { me } = await withWebhook(receiver.url);
    const [item] = (
      await me.call('POST', '/v1/orders/create', { catalog_product_id: world.catalogProductId })
    ).json().data.orders;
    await deliverSms(world, item.id, { text: 'code 4455', code: '4455' });
    const requests = await receiver.waitFor(6, 30_000);
    expect(new Set(requests.map((r) => r.body)).size).toBe(1); // the same bytes every time
    // The worker records the 2xx just after the receiver answered it.
    const log = await waitUntil(async () => {
      const rows = (await me.call('GET', '/api/webhook-deliveries')).json().data;
      return rows[0]?.status === 'delivered' ? rows : undefined;
    });
    expect(log[0]).toMatchObject({
      status: 'delivered',
      attempts: 6,
      last_status_code: 200,
      event: 'order.otp_received',
    });
    expect((await me.call('GET', '/v1/webhook')).json().data.webhook_consecutive_failures).toBe(0);
  });

  it('disables the endpoint after 10 consecutive failures; a PATCH re-enables it; redelivery sends again', async () => {
    const receiver = await startReceiver();
    receiver.respond.push(...Array.from({ length: 10 }, () => 410));
    const { me } = await withWebhook(receiver.url);
    const [item] = (
      await me.call('POST', '/v1/orders/create', { catalog_product_id: world.catalogProductId })
    ).json().data.orders;
    await deliverSms(world, item.id, { text: 'code 1357', code: '1357' });
    await receiver.waitFor(10, 40_000);
    // The worker records the tenth failure (and disables the endpoint) just after the receiver answered.
    const config = await waitUntil(async () => {
      const current = (await me.call('GET', '/v1/webhook')).json().data;
      return current.webhook_disabled_at ? current : undefined;
    });
    expect(config).toMatchObject({
      webhook_consecutive_failures: 10,
      webhook_disabled_reason: 'consecutive_failed_user_endpoint',
    });
    expect(config.webhook_disabled_at).toBeTruthy();
    // Disabled: the next event is not even queued.
    await me.call('POST', '/v1/orders/finish', { id: item.id });
    // The delivery row is written in the order change's transaction, so its absence is final.
    const events = (await me.call('GET', '/api/webhook-deliveries'))
      .json()
      .data.map((d: { event: string }) => d.event);
    expect(events).not.toContain('order.completed');
    expect(receiver.received).toHaveLength(10);

    const reenabled = (await me.call('PATCH', '/v1/webhook', { webhook_url: receiver.url })).json().data;
    expect(reenabled).toMatchObject({
      webhook_disabled_at: null,
      webhook_disabled_reason: null,
      webhook_consecutive_failures: 0,
    });
    const failed = (await me.call('GET', '/api/webhook-deliveries?status=failed')).json().data[0];
    const again = await me.call('POST', `/api/webhook-deliveries/${failed.id}/redeliver`);
    expect(again.statusCode).toBe(200);
    await receiver.waitFor(11);
    const other = await customer(world);
    expect((await other.call('POST', `/api/webhook-deliveries/${failed.id}/redeliver`)).statusCode).toBe(404);
  });
});
