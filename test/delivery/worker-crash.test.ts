/**
 * At-least-once delivery across a crash: the worker is killed (SIGKILL) while the customer's endpoint is
 * still answering — inside the POST its dispatcher started at commit; another worker's safety-net job
 * delivers the event once the dead worker's claim has expired. And an event committed while no worker
 * listens is delivered by its job when one starts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { customer, deliverSms, ledgerViolations, orderWorld } from '../orders/order-fixture.ts';
import { PROCESS_TEST_TIMEOUT, STARTUP_TIMEOUT } from '../support/cli-process.ts';
import { cleanupAfterFile } from '../support/test-database.ts';
import { waitUntil } from '../support/wait.ts';
import { startReceiver } from '../support/webhook-receiver.ts';

const world = await orderWorld({ NUMPOOL_WEBHOOK_ALLOW_PRIVATE: '1' });
const WORKER = fileURLToPath(new URL('./worker.child.ts', import.meta.url));

function startWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [WORKER, world.ctx.url], {
    env: { ...process.env, WORKER_SECRET: world.ctx.secret },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanupAfterFile(() => void child.kill('SIGKILL'));
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk;
      if (output.includes('ready\n')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
}

describe('a worker killed mid-delivery', () => {
  it(
    'loses no event: it is delivered after another worker takes over',
    async () => {
      const receiver = await startReceiver();
      // The first request hangs: the worker is inside the POST when it dies.
      receiver.respond.push(() => new Promise<number>(() => undefined));
      const me = await customer(world);
      await me.call('PATCH', '/v1/webhook', { webhook_url: receiver.url });
      const [item] = (
        await me.call('POST', '/v1/orders/create', { catalog_product_id: world.catalogProductId })
      ).json().data.orders;

      const first = await startWorker();
      await deliverSms(world, item.id, { text: 'code 8642', code: '8642' });
      await receiver.waitFor(1, STARTUP_TIMEOUT);
      // Sent by the dispatcher at commit (the job is not due yet), which holds a claim while it sends.
      const claim = await world.ctx.db.query(
        `SELECT attempts, claimed_until > now() AS live FROM webhook_deliveries WHERE order_event_id IN
           (SELECT id FROM order_events WHERE order_id = $1) AND kind = 'smscode'`,
        [item.id],
      );
      expect(claim.rows).toEqual([{ attempts: 0, live: true }]);
      first.kill('SIGKILL');

      const second = await startWorker();
      const requests = await receiver.waitFor(2, STARTUP_TIMEOUT);
      expect(requests[1]!.body).toBe(requests[0]!.body);
      expect(JSON.parse(requests[1]!.body)).toMatchObject({
        event: 'order.otp_received',
        data: { order_id: item.id, otp_code: '8642' },
      });
      // The worker records the 2xx right after the receiver answered it.
      const deliveryStatus = async () =>
        (await me.call('GET', '/api/webhook-deliveries')).json().data[0].status as string;
      await waitUntil(
        async () => ((await deliveryStatus()) === 'delivered' ? true : undefined),
        STARTUP_TIMEOUT,
      );
      expect(await deliveryStatus()).toBe('delivered');
      second.kill('SIGKILL');
      await new Promise((resolve) => second.once('exit', resolve));
      // Once in effect: the POST that died with its worker, the one sent after the takeover, no other.
      expect(receiver.received).toHaveLength(2);
    },
    PROCESS_TEST_TIMEOUT,
  );

  it(
    'an event committed while no worker listens is sent by its job once a worker runs',
    async () => {
      const receiver = await startReceiver();
      const me = await customer(world);
      await me.call('PATCH', '/v1/webhook', { webhook_url: receiver.url });
      const [item] = (
        await me.call('POST', '/v1/orders/create', { catalog_product_id: world.catalogProductId })
      ).json().data.orders;
      // No worker runs: the wake-up at commit reaches no one.
      await deliverSms(world, item.id, { text: 'code 7531', code: '7531' });
      expect(receiver.received).toHaveLength(0);
      await startWorker();
      const [request] = await receiver.waitFor(1, STARTUP_TIMEOUT);
      expect(JSON.parse(request!.body)).toMatchObject({ data: { order_id: item.id, otp_code: '7531' } });
      expect(await ledgerViolations(world)).toEqual([]);
    },
    PROCESS_TEST_TIMEOUT,
  );
});
