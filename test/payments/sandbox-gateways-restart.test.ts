/**
 * The sandbox's simulated gateways restarted under a running numpool, as `npm start` stopped and started
 * again on the same data dir: top-ups made before are still known at the gateways (the re-check finds
 * them, their payment pages open at the stored URLs), and paying them afterwards credits each once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { startJobs } from '../../src/jobs/job-runner.ts';
import { getBalance } from '../../src/ledger/get-balance.ts';
import { reconcileTopups } from '../../src/payments/reconcile-topups.ts';
import { freePort } from '../../src/platform/free-port.ts';
import { setFxRate } from '../../src/pricing/fx-rates.ts';
import { sandboxGatewaysFile, startSandboxGateways } from '../../src/sandbox/start-sandbox-gateways.ts';
import { createCustomer } from '../support/factories.ts';
import { bearer, createTestApp } from '../support/test-app.ts';
import { cleanupAfterFile, createTestContext } from '../support/test-database.ts';
import { waitUntil } from '../support/wait.ts';
import { gatewayControl, gatewayDepositCount, postTopup } from './topup-fixture.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'numpool-sandbox-restart-'));
cleanupAfterFile(() => rmSync(dataDir, { recursive: true, force: true }));
const port = await freePort();
const ctx = await createTestContext({ NUMPOOL_PUBLIC_URL: `http://127.0.0.1:${port}` });
await setFxRate({ ctx, input: { currency: 'USD', idrPerUnit: 16_000 } });
const startGateways = () => startSandboxGateways({ ctx, input: { stateFile: sandboxGatewaysFile(dataDir) } });
let gateways = await startGateways();
cleanupAfterFile(() => gateways.close());
const app = await createTestApp(ctx);
await app.listen({ port, host: '127.0.0.1' });
const jobs = await startJobs(ctx);
cleanupAfterFile(() => jobs.stop());

const topUp = (apiKey: string, body: Record<string, string>) =>
  postTopup<{ id: string; payment_url: string }>(app, apiKey, body);
const gatewayId = async (id: string) =>
  (await ctx.pool.query('SELECT gateway_payment_id FROM topups WHERE id = $1', [Number(id.split('-').pop())]))
    .rows[0].gateway_payment_id as string;
const statusOf = async (apiKey: string, id: string) =>
  (await app.inject({ method: 'GET', url: `/api/topups/${id}`, headers: bearer(apiKey) })).json().data
    .status as string;

it('top-ups made before the gateways restarted are re-checked, open and credited once after', async () => {
  const { account, apiKey } = await createCustomer(ctx);
  const heleket = await topUp(apiKey, { gateway: 'heleket', amount: '10.00', currency: 'USD' });
  const duitku = await topUp(apiKey, { gateway: 'duitku', amount: '150000', currency: 'IDR', method: 'NQ' });
  const stripe = await topUp(apiKey, { gateway: 'stripe', amount: '5.00', currency: 'USD' });
  const before = gateways.url;

  await gateways.close();
  gateways = await startGateways();
  expect(gateways.url).toBe(before);

  for (const topup of [heleket, duitku, stripe]) {
    const page = await fetch(topup.payment_url);
    expect(page.status, topup.payment_url).toBe(200);
    await page.arrayBuffer();
  }
  // Heleket and Duitku answer their status calls for them; Stripe lists its session.
  const summary = await reconcileTopups({ ctx });
  expect(summary).toMatchObject({ checked: 2, listed: 1, credited: 0, unreachable: [] });

  const control = gatewayControl(gateways.url);
  await control(`heleket/payments/${await gatewayId(heleket.id)}/pay`);
  await control(`duitku/payments/${await gatewayId(duitku.id)}/pay`);
  await control(`stripe/sessions/${await gatewayId(stripe.id)}/pay`);
  for (const topup of [heleket, duitku, stripe])
    await waitUntil(
      async () => ((await statusOf(apiKey, topup.id)) === 'credited' ? true : undefined),
      15_000,
    );

  // 160,000 + 150,000 + 80,000 IDR, one deposit each, and another reconciliation adds nothing.
  expect(await reconcileTopups({ ctx })).toMatchObject({ credited: 0, mismatches: { found: 0 } });
  expect((await getBalance({ ctx, input: { accountId: account.id } })).available).toBe(390_000);
  expect(await gatewayDepositCount(ctx, account.id)).toBe(3);
});
