import { describe, expect, it } from 'vitest';
import { startJobs } from '../../src/jobs/job-runner.ts';
import { customer, deliverSms, orderWorld } from '../orders/order-fixture.ts';
import { cleanupAfterFile } from '../support/test-database.ts';
import { startReceiver } from '../support/webhook-receiver.ts';

const world = await orderWorld({ NUMPOOL_WEBHOOK_ALLOW_PRIVATE: '1' });
const jobs = await startJobs(world.ctx);
cleanupAfterFile(() => jobs.stop());

const handler = (key: string, query: string) =>
  world.app.inject({ method: 'GET', url: `/stubs/handler_api.php?api_key=${key}&${query}` });

describe('handler-API settings', () => {
  it('POST each incoming SMS in the handler webhook format, unsigned, beside the SMSCode webhook', async () => {
    const receiver = await startReceiver();
    const me = await customer(world);
    const set = await me.call('PATCH', '/api/handler-settings', { handler_webhook_url: receiver.url });
    expect(set.json().data).toEqual({ handler_webhook_url: receiver.url, handler_json_errors: false });
    const number = (await handler(me.apiKey, 'action=getNumber&service=wa&country=6')).body;
    const id = Number(number.split(':')[1]);
    await deliverSms(world, id, { text: 'Your WhatsApp code: 135-246', code: '135246' });
    const [request] = await receiver.waitFor(1);
    expect(JSON.parse(request!.body)).toEqual({
      activationId: id,
      service: 'wa',
      text: 'Your WhatsApp code: 135-246',
      code: '135246',
      country: 6,
      receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
    });
    expect(request!.headers['x-webhook-signature']).toBeUndefined();
    expect((await me.call('GET', '/api/handler-settings')).json().data.handler_webhook_url).toBe(
      receiver.url,
    );
  });

  it('switch an account to JSON errors, and back', async () => {
    const me = await customer(world);
    expect((await handler(me.apiKey, 'action=getStatus&id=999999')).body).toBe('NO_ACTIVATION');
    await me.call('PATCH', '/api/handler-settings', { handler_json_errors: true });
    const json = await handler(me.apiKey, 'action=getStatus&id=999999');
    expect(json.statusCode).toBe(404);
    expect(json.json()).toMatchObject({ title: 'NO_ACTIVATION' });
    expect((await handler(me.apiKey, 'action=getStatus&id=999999&errors=plain')).body).toBe('NO_ACTIVATION');
    await me.call('PATCH', '/api/handler-settings', { handler_json_errors: false });
    expect((await handler(me.apiKey, 'action=getStatus&id=999999')).body).toBe('NO_ACTIVATION');
    expect((await me.call('PATCH', '/api/handler-settings', {})).statusCode).toBe(422);
  });
});
