/**
 * At-least-once delivery across a crash: the worker is killed (SIGKILL) while the customer's endpoint is
 * still answering; another worker delivers the event after its heartbeat stops.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { customer, deliverSms, orderWorld } from '../orders/order-fixture.ts';
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
      first.kill('SIGKILL');

      await startWorker();
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
    },
    PROCESS_TEST_TIMEOUT,
  );
});
