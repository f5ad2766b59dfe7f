/**
 * The money path against a real `numpool start` in sandbox mode, driven over HTTP like a customer:
 * create with a key, replay it, receive the simulator's SMS, finish; cancel a second order after the
 * window; and the ledger check agrees.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../src/platform/free-port.ts';
import {
  PROCESS_TEST_TIMEOUT,
  runCli,
  SANDBOX_READY,
  STARTUP_TIMEOUT,
  startServer,
} from './support/cli-process.ts';
import { cleanupAfterFile, createTestDatabase } from './support/test-database.ts';
import { waitUntil } from './support/wait.ts';

describe('sandbox money path', { timeout: PROCESS_TEST_TIMEOUT }, () => {
  it('charges exactly once for a delivered code and refunds a cancelled order in full', async () => {
    const database = await createTestDatabase({ empty: true });
    const dataDir = mkdtempSync(join(tmpdir(), 'numpool-money-'));
    cleanupAfterFile(() => rmSync(dataDir, { recursive: true, force: true }));
    const env = {
      DATABASE_URL: database.url,
      NUMPOOL_DATA_DIR: dataDir,
      NUMPOOL_SIM_PORT: '0',
      NUMPOOL_SIM_SMS_DELAY_MS: '300',
      NUMPOOL_SIM_NO_SMS_RATE: '0',
      NUMPOOL_MIN_CANCEL_SECONDS: '1',
    };
    const server = await startServer(await freePort(), env);
    try {
      const key = JSON.parse(readFileSync(join(dataDir, 'demo.json'), 'utf8')).api_key;
      const api = async (
        method: string,
        path: string,
        body?: unknown,
        headers: Record<string, string> = {},
      ) => {
        const response = await fetch(`${server.url}${path}`, {
          method,
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        return { status: response.status, text: await response.text() };
      };
      const json = (r: { text: string }) => JSON.parse(r.text);
      const products = json(await api('GET', '/v1/catalog/products?country_id=6&platform_id=1&limit=1'));
      const catalogProductId = products.data[0].catalog_product_id;
      const before = json(await api('GET', '/v1/balance')).data.balance;

      const created = await api(
        'POST',
        '/v1/orders/create',
        { catalog_product_id: catalogProductId },
        { 'idempotency-key': 'e2e-1' },
      );
      expect(created.status).toBe(200);
      const order = json(created).data.orders[0];
      const replayed = await api(
        'POST',
        '/v1/orders/create',
        { catalog_product_id: catalogProductId },
        { 'idempotency-key': 'e2e-1' },
      );
      expect(json(replayed).data.orders[0].id).toBe(order.id);

      const received = await waitUntil(async () => {
        const current = json(await api('GET', `/v1/orders/${order.id}`)).data;
        return current.status === 'OTP_RECEIVED' ? current : undefined;
      }, STARTUP_TIMEOUT);
      expect(received.otp_code).toMatch(/^[0-9A-Za-z]{4,8}$/);
      expect(json(await api('POST', '/v1/orders/finish', { id: order.id })).data.status).toBe('COMPLETED');
      expect(json(await api('GET', '/v1/balance')).data.balance).toBe(before - order.amount);

      // The second order is cancelled before its SMS can arrive: stop the simulator's SMS for it.
      await server.waitForOutput(SANDBOX_READY);
      const control = server.output().match(/simulated at (http:\/\/[^/]+)\/control/)?.[1];
      expect(control).toBeTruthy();
      for (const persona of ['alpha', 'beta', 'gamma']) {
        await fetch(`${control}/control/personas/${persona}`, {
          method: 'PATCH',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ noSmsRate: 1 }),
        });
      }
      const second = json(await api('POST', '/v1/orders/create', { catalog_product_id: catalogProductId }))
        .data.orders[0];
      // The cancel window (1 s here) runs on the server's real clock: wait until the order says it is open.
      await waitUntil(async () => {
        const current = json(await api('GET', `/v1/orders/${second.id}`)).data;
        return current.can_cancel ? true : undefined;
      }, STARTUP_TIMEOUT);
      const canceled = json(await api('POST', '/v1/orders/cancel', { id: second.id }));
      expect(canceled.data).toMatchObject({ status: 'CANCELED', refund_amount: second.amount });
      expect(json(await api('GET', '/v1/balance')).data.balance).toBe(before - order.amount);
    } finally {
      expect(await server.stop('SIGTERM'), server.output()).toBe(0);
    }
    const check = await runCli(['admin', 'ledger-check'], {
      DATABASE_URL: database.url,
      NUMPOOL_DATA_DIR: dataDir,
    });
    expect(check).toMatchObject({ code: 0, stdout: 'ledger is consistent\n' });
  });
});
