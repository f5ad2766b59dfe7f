/**
 * At-least-once delivery across a crash: the worker is killed (SIGKILL) while the customer's endpoint is
 * still answering; another worker delivers the event after its heartbeat stops.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { customer, deliverSms, orderWorld } from '../orders/order-fixture.ts';
import { cleanupAfterFile } from '../support/test-database.ts';
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
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
}

describe('a worker killed mid-delivery', () => {
  it('loses no event: it is delivered after another worker takes over', async () => {
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
    await receiver.waitFor(1);
    first.kill('SIGKILL');

    await startWorker();
    const requests = await receiver.waitFor(2, 60_000);
    expect(requests[1]!.body).toBe(requests[0]!.body);
    expect(JSON.parse(requests[1]!.body)).toMatchObject({
      event: 'order.otp_received',
      data: { order_id: item.id, otp_code: '8642' },
    });
    const deadline = Date.now() + 5_000;
    let status = '';
    while (status !== 'delivered' && Date.now() < deadline) {
      status = (await me.call('GET', '/api/webhook-deliveries')).json().data[0].status;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe('delivered');
  }, 90_000);
});
