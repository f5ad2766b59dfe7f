/** Gateways configured as an operator would, and top-ups created and sent to a gateway as the flow does. */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { CLI_ACTOR } from '../../src/audit/audit-actor.ts';
import { startJobs } from '../../src/jobs/job-runner.ts';
import { getBalance } from '../../src/ledger/get-balance.ts';
import { accountReceivable } from '../../src/payments/account-receivable.ts';
import { configureGateway } from '../../src/payments/configure-gateway.ts';
import { createTopupRecord } from '../../src/payments/create-topup-record.ts';
import type { GatewayCode } from '../../src/payments/gateway-port.ts';
import { markTopupPending } from '../../src/payments/mark-topup-pending.ts';
import type { DbContext } from '../../src/platform/db.ts';
import { freePort } from '../../src/platform/free-port.ts';
import { setFxRate } from '../../src/pricing/fx-rates.ts';
import { startSandboxGateways } from '../../src/sandbox/start-sandbox-gateways.ts';
import { bearer, createTestApp } from '../support/test-app.ts';
import { cleanupAfterFile, createTestContext } from '../support/test-database.ts';

type Ctx = DbContext & { secret: string };

/**
 * Without fees: the figures of the tests that use this are the payments' own. Fees and bonuses are
 * configured by the tests about them (topup-fee-bonus.test.ts, topup-money.property.test.ts).
 */
export async function configureGateways(
  ctx: Ctx,
  fees: Partial<Record<GatewayCode, string>> = {},
): Promise<void> {
  const base = { enabled: true, baseUrl: 'http://127.0.0.1:9', actor: CLI_ACTOR };
  await configureGateway({
    ctx,
    input: {
      ...base,
      code: 'heleket',
      credentials: { merchant: 'm-1', paymentKey: 'pk-secret' },
      minAmount: '1.00',
      maxAmount: '5000.00',
      currencies: ['USD'],
      feePercent: fees.heleket,
    },
  });
  await configureGateway({
    ctx,
    input: {
      ...base,
      code: 'duitku',
      credentials: { merchantCode: 'D0001', apiKey: 'duitku-secret' },
      minAmount: '10000',
      maxAmount: '50000000',
      currencies: ['IDR'],
      methods: ['NQ', 'BC'],
      feePercent: fees.duitku,
    },
  });
  await configureGateway({
    ctx,
    input: {
      ...base,
      code: 'stripe',
      credentials: { secretKey: 'sk_test_x', webhookSecret: 'whsec_x' },
      minAmount: '1.00',
      maxAmount: '2000.00',
      currencies: ['USD'],
      feePercent: fees.stripe,
    },
  });
}

/** A top-up the gateway accepted: created, then pending with a fresh gateway payment id. */
export async function pendingTopup(
  ctx: DbContext,
  input: { accountId: number; gateway: GatewayCode; amount: string; currency?: string; method?: string },
) {
  const currency = input.currency ?? (input.gateway === 'duitku' ? 'IDR' : 'USD');
  // Duitku is configured with payment methods: one must be chosen.
  const method = input.method ?? (input.gateway === 'duitku' ? 'NQ' : undefined);
  const created = await createTopupRecord({ ctx, input: { ...input, currency, method } });
  const gatewayPaymentId = `${input.gateway}-${randomUUID()}`;
  const topup = await markTopupPending({
    ctx,
    input: {
      topupId: created.id,
      gatewayPaymentId,
      paymentUrl: `https://pay.example/${gatewayPaymentId}`,
      qrString: null,
      vaNumber: null,
      expiresAt: new Date(Date.now() + 3_600_000),
    },
  });
  return { topup, gateway: input.gateway, gatewayPaymentId, currency };
}

export async function moneyOf(ctx: DbContext, accountId: number) {
  const balance = await getBalance({ ctx, input: { accountId } });
  const { owedIdr } = await accountReceivable({ ctx, input: { accountId } });
  return { available: balance.available, owed: owedIdr };
}

/** How many gateway deposits the account's wallet has received (a payment is credited once: 1). */
export async function gatewayDepositCount(ctx: DbContext, accountId: number): Promise<number> {
  const row = await ctx.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM transfers t JOIN ledger_accounts w ON w.id = t.credit_account_id
     WHERE w.account_id = $1 AND t.code = 'gateway_deposit'`,
    [accountId],
  );
  return row.rows[0]!.n;
}

/** The gateway simulator's control API at `simulatorUrl`: POSTs `body` to `/control/<path>`, expects 2xx. */
export function gatewayControl(simulatorUrl: string) {
  return async (path: string, body: unknown = {}) => {
    const response = await fetch(`${simulatorUrl}/control/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status, await response.clone().text()).toBeLessThan(300);
    return response.json();
  };
}

/**
 * numpool listening on a free port that is also its public URL (the gateways call it back there), with
 * the sandbox gateways, a USD rate of 16,000 IDR and its jobs, until the file ends.
 */
export async function startPaymentsApp(env: NodeJS.ProcessEnv = {}) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const ctx = await createTestContext({ NUMPOOL_PUBLIC_URL: url, ...env });
  await setFxRate({ ctx, input: { currency: 'USD', idrPerUnit: 16_000 } });
  const gateways = await startSandboxGateways({ ctx, input: {} });
  cleanupAfterFile(() => gateways.close());
  const app = await createTestApp(ctx);
  await app.listen({ port, host: '127.0.0.1' });
  const jobs = await startJobs(ctx);
  cleanupAfterFile(() => jobs.stop());
  return { ctx, app, url, port, gateways };
}

/** POST /api/topups as `apiKey`: the answer, whatever it is. */
export function requestTopup(app: FastifyInstance, apiKey: string, body: object) {
  return app.inject({
    method: 'POST',
    url: '/api/topups',
    headers: { ...bearer(apiKey), 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });
}

/** POST /api/topups as `apiKey`, expecting 201: the new top-up as the API shows it. */
export async function postTopup<T = { id: string; [field: string]: unknown }>(
  app: FastifyInstance,
  apiKey: string,
  body: Record<string, string>,
): Promise<T> {
  const response = await requestTopup(app, apiKey, body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json().data as T;
}
