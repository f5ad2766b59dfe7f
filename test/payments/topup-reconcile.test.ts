/**
 * Reconciliation against the simulated gateways, notifications lost on purpose: Stripe's list of recent
 * sessions credits a paid session whose event never came (once, whatever runs at the same time) and
 * reports a paid session numpool has no top-up for; Heleket and Duitku top-ups that ended without money
 * are still asked about, so a late success is credited once. Then the operators' side: mismatches listed
 * and resolved, top-ups in review credited after a re-check or rejected — once each.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { getBalance } from '../../src/ledger/get-balance.ts';
import { markTopupReview } from '../../src/payments/mark-topup-status.ts';
import { reconcileTopups } from '../../src/payments/reconcile-topups.ts';
import { freePort } from '../../src/platform/free-port.ts';
import { setFxRate } from '../../src/pricing/fx-rates.ts';
import { SANDBOX_GATEWAYS, startSandboxGateways } from '../../src/sandbox/start-sandbox-gateways.ts';
import { PROCESS_TEST_TIMEOUT, runCli } from '../support/cli-process.ts';
import { expectRefusal } from '../support/envelope.ts';
import { createCustomer } from '../support/factories.ts';
import { bearer, createTestApp } from '../support/test-app.ts';
import { cleanupAfterFile, createTestContext } from '../support/test-database.ts';
import { gatewayControl, gatewayDepositCount, postTopup } from './topup-fixture.ts';

const ctx = await createTestContext({ NUMPOOL_PUBLIC_URL: `http://127.0.0.1:${await freePort()}` });
await setFxRate({ ctx, input: { currency: 'USD', idrPerUnit: 16_000 } });
const gateways = await startSandboxGateways({ ctx, input: {} });
cleanupAfterFile(() => gateways.close());
const app = await createTestApp(ctx);
const admin = await createCustomer(ctx, { role: 'admin' });

const control = gatewayControl(gateways.url);
/** No notification reaches numpool in this file: every change at a gateway is one it must go and find. */
const lost = { notify: { times: 0 } };

const available = async (accountId: number) => (await getBalance({ ctx, input: { accountId } })).available;
const deposits = (accountId: number) => gatewayDepositCount(ctx, accountId);
const topupRow = async (publicId: string) =>
  (
    await ctx.pool.query(
      'SELECT status, gateway_payment_id, review_decision, review_note FROM topups WHERE id = $1',
      [Number(publicId.split('-').pop())],
    )
  ).rows[0] as { status: string; gateway_payment_id: string; review_decision: string; review_note: string };

async function topUp(apiKey: string, body: Record<string, string>) {
  const { id } = await postTopup(app, apiKey, body);
  return { id, payment: (await topupRow(id)).gateway_payment_id };
}

const adminCall = (method: 'GET' | 'POST', url: string, payload?: object) =>
  app.inject({
    method,
    url: `/admin/api${url}`,
    headers: bearer(admin.apiKey),
    ...(payload ? { payload } : {}),
  });
const resolveTopup = (id: string, action: 'credit' | 'reject', note: string) =>
  adminCall('POST', `/topups/${id}/resolve`, { action, note });
const audited = async (action: string, targetId: string) =>
  (
    await ctx.pool.query(
      'SELECT actor_account_id, after FROM audit_log WHERE action = $1 AND target_id = $2',
      [action, targetId],
    )
  ).rows as Array<{ actor_account_id: number; after: Record<string, unknown> }>;

const stripeApi = (() => {
  const url = new URL(gateways.url);
  return new Stripe(SANDBOX_GATEWAYS.stripe.secretKey, {
    host: url.hostname,
    port: Number(url.port),
    protocol: 'http',
    maxNetworkRetries: 0,
  });
})();

describe('a gateway that lists its payments (Stripe)', () => {
  it('credits a paid session whose event was dropped from the list, once, by two runs at once and a third', async () => {
    const { account, apiKey } = await createCustomer(ctx);
    const topup = await topUp(apiKey, { gateway: 'stripe', amount: '5.00', currency: 'USD' });
    await control(`stripe/sessions/${topup.payment}/pay`, lost);
    expect(await available(account.id)).toBe(0);

    const runs = await Promise.all([reconcileTopups({ ctx }), reconcileTopups({ ctx })]);
    expect(runs.map((r) => r.credited).sort()).toEqual([0, 1]);
    for (const run of runs) {
      expect(run.listed).toBeGreaterThanOrEqual(1);
      // The first test of the file: Stripe's top-ups are the only ones, and the list covered them all.
      expect(run.checked).toBe(0);
    }
    expect((await reconcileTopups({ ctx })).credited).toBe(0);
    expect(await available(account.id)).toBe(80_000);
    expect(await deposits(account.id)).toBe(1);
    expect((await topupRow(topup.id)).status).toBe('credited');
  });

  it('the list pages through more sessions than one page holds', async () => {
    // 101 sessions more than the last test made: the list needs a second page of 100.
    const { apiKey, account } = await createCustomer(ctx);
    const first = await topUp(apiKey, { gateway: 'stripe', amount: '1.00', currency: 'USD' });
    await control(`stripe/sessions/${first.payment}/pay`, lost);
    for (let i = 0; i < 100; i++)
      await stripeApi.checkout.sessions.create({
        mode: 'payment',
        line_items: [
          { price_data: { currency: 'usd', unit_amount: 100, product_data: { name: 'x' } }, quantity: 1 },
        ],
        success_url: 'https://shop.example/done',
      });
    const run = await reconcileTopups({ ctx });
    expect(run.listed).toBeGreaterThan(100);
    expect(run.credited).toBe(1);
    expect(await available(account.id)).toBe(16_000);
  });

  it('a paid session no top-up owns is one open mismatch, however many sweeps see it, until resolved', async () => {
    const session = await stripeApi.checkout.sessions.create({
      mode: 'payment',
      line_items: [
        { price_data: { currency: 'usd', unit_amount: 700, product_data: { name: 'x' } }, quantity: 1 },
      ],
      client_reference_id: 'np-topup-987654321',
      success_url: 'https://shop.example/done',
    });
    await control(`stripe/sessions/${session.id}/pay`, lost);

    const first = await reconcileTopups({ ctx });
    const second = await reconcileTopups({ ctx });
    expect(first.mismatches).toMatchObject({ found: 1, new: 1, open: 1 });
    expect(second.mismatches).toMatchObject({ found: 1, new: 0, open: 1 });
    const rows = await ctx.pool.query(
      'SELECT id, kind, topup_id, seen_count, resolved_at FROM payment_mismatches WHERE gateway_payment_id = $1',
      [session.id],
    );
    expect(rows.rows).toEqual([
      { id: expect.any(Number), kind: 'unknown_payment', topup_id: null, seen_count: 2, resolved_at: null },
    ]);
    const id = Number(rows.rows[0].id);

    const open = await adminCall('GET', '/payments/mismatches');
    expect(open.statusCode).toBe(200);
    expect(open.json().data).toEqual([
      expect.objectContaining({
        id,
        gateway: 'stripe',
        gateway_payment_id: session.id,
        kind: 'unknown_payment',
        topup_id: null,
        detail: expect.stringContaining('np-topup-987654321'),
        seen_count: 2,
        resolved_at: null,
      }),
    ]);
    const resolved = await adminCall('POST', `/payments/mismatches/${id}/resolve`, {
      note: 'refunded at Stripe',
    });
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect(resolved.json().data).toMatchObject({
      resolved_by: 'account',
      resolved_by_account_id: admin.account.id,
      note: 'refunded at Stripe',
    });
    expect(await audited('payment_mismatch.resolve', String(id))).toEqual([
      expect.objectContaining({ actor_account_id: admin.account.id }),
    ]);
    expectRefusal(
      await adminCall('POST', `/payments/mismatches/${id}/resolve`, { note: 'twice' }),
      409,
      'CONFLICT',
    );
    expectRefusal(await adminCall('POST', '/payments/mismatches/987654321/resolve', { note: 'x' }), 404);

    // Still paid at the gateway: the next sweep sees it and leaves it resolved.
    const third = await reconcileTopups({ ctx });
    expect(third.mismatches).toMatchObject({ found: 0, new: 0, open: 0 });
    expect((await adminCall('GET', '/payments/mismatches')).json().data).toEqual([]);
    const closed = (await adminCall('GET', '/payments/mismatches?status=resolved')).json().data;
    expect(closed).toEqual([expect.objectContaining({ id, seen_count: 3, note: 'refunded at Stripe' })]);
  });
});

describe('gateways without a list (Heleket, Duitku): a late success still counts', () => {
  it('more open top-ups than one run re-checks are all reached in turn: none waits behind the oldest', async () => {
    const customer = await createCustomer(ctx);
    // The two oldest are never paid: they stay open and must not take the batch's places every run.
    for (let i = 0; i < 2; i++)
      await topUp(customer.apiKey, { gateway: 'duitku', amount: '10000', currency: 'IDR', method: 'BC' });
    const paid = [];
    for (let i = 0; i < 3; i++) {
      const topup = await topUp(customer.apiKey, {
        gateway: 'duitku',
        amount: '10000',
        currency: 'IDR',
        method: 'BC',
      });
      await control(`duitku/payments/${topup.payment}/pay`, lost);
      paid.push(topup);
    }
    // Whatever else this file left open, runs of two at a time reach these within a bounded number.
    const open = await ctx.pool.query(
      `SELECT count(*)::int AS n FROM topups WHERE gateway = 'duitku' AND status IN ('pending', 'expired', 'failed', 'credited')`,
    );
    for (let run = 0; run <= open.rows[0].n && (await available(customer.account.id)) < 30_000; run++)
      await reconcileTopups({ ctx, input: { batch: 2 } });
    expect(await available(customer.account.id)).toBe(30_000);
    expect(await deposits(customer.account.id)).toBe(3);
  });

  it('Heleket: a top-up expired (cancel) and then paid is credited once', async () => {
    const { account, apiKey } = await createCustomer(ctx);
    const topup = await topUp(apiKey, { gateway: 'heleket', amount: '2.00', currency: 'USD' });
    await control(`heleket/payments/${topup.payment}/status`, { status: 'cancel', ...lost });
    await reconcileTopups({ ctx });
    expect((await topupRow(topup.id)).status).toBe('expired');

    await control(`heleket/payments/${topup.payment}/status`, {
      status: 'paid',
      payment_amount_usd: '2.00',
      ...lost,
    });
    const runs = await Promise.all([reconcileTopups({ ctx }), reconcileTopups({ ctx })]);
    expect(runs.map((r) => r.credited).sort()).toEqual([0, 1]);
    await reconcileTopups({ ctx });
    expect(await available(account.id)).toBe(32_000);
    expect(await deposits(account.id)).toBe(1);
  });

  it('Duitku: a top-up failed (expired at Duitku) and then settled late is credited once', async () => {
    const { account, apiKey } = await createCustomer(ctx);
    const topup = await topUp(apiKey, { gateway: 'duitku', amount: '50000', currency: 'IDR', method: 'BC' });
    await control(`duitku/payments/${topup.payment}/expire`);
    await reconcileTopups({ ctx });
    expect((await topupRow(topup.id)).status).toBe('failed');

    await control(`duitku/payments/${topup.payment}/pay`, { late: true, ...lost });
    const runs = await Promise.all([reconcileTopups({ ctx }), reconcileTopups({ ctx })]);
    expect(runs.map((r) => r.credited).sort()).toEqual([0, 1]);
    await reconcileTopups({ ctx });
    expect(await available(account.id)).toBe(50_000);
    expect(await deposits(account.id)).toBe(1);
  });

  it('a credited top-up the gateway now reports failed is one mismatch, never a debit', async () => {
    const { account, apiKey } = await createCustomer(ctx);
    const topup = await topUp(apiKey, { gateway: 'heleket', amount: '1.00', currency: 'USD' });
    await control(`heleket/payments/${topup.payment}/pay`, lost);
    await reconcileTopups({ ctx });
    expect(await available(account.id)).toBe(16_000);
    await control(`heleket/payments/${topup.payment}/status`, { status: 'fail', ...lost });
    const first = await reconcileTopups({ ctx });
    const second = await reconcileTopups({ ctx });
    expect(first.mismatches.new).toBe(1);
    expect(second.mismatches.new).toBe(0);
    const open = (await adminCall('GET', '/payments/mismatches')).json().data;
    expect(open.filter((m: { topup_id: string }) => m.topup_id === topup.id)).toEqual([
      expect.objectContaining({
        kind: 'credited_not_paid',
        gateway_payment_id: topup.payment,
        seen_count: 2,
      }),
    ]);
    expect(await available(account.id)).toBe(16_000);
  });
});

describe('top-ups in review: an operator decides, once', () => {
  /** A Heleket top-up whose funds the gateway locked (AML): numpool sets it aside for an operator. */
  async function lockedTopup(amount: string) {
    const customer = await createCustomer(ctx);
    const topup = await topUp(customer.apiKey, { gateway: 'heleket', amount, currency: 'USD' });
    await control(`heleket/payments/${topup.payment}/status`, { status: 'locked', ...lost });
    await reconcileTopups({ ctx });
    expect((await topupRow(topup.id)).status).toBe('review');
    return { ...customer, topup };
  }

  it('credit: refused while the gateway does not report it paid; then credited what was paid, exactly once', async () => {
    const { account, topup } = await lockedTopup('3.00');
    const queue = await adminCall('GET', '/topups?status=review');
    expect(queue.statusCode).toBe(200);
    expect(queue.json().data).toContainEqual(
      expect.objectContaining({
        id: topup.id,
        account_id: account.id,
        status: 'review',
        review_decision: null,
      }),
    );

    const early = expectRefusal(
      await resolveTopup(topup.id, 'credit', 'customer sent proof'),
      409,
      'CONFLICT',
    );
    expect(early.message).toContain('locked');
    expect((await topupRow(topup.id)).status).toBe('review');

    // Heleket releases the funds (more than asked): numpool still waits for the operator.
    await control(`heleket/payments/${topup.payment}/status`, {
      status: 'paid_over',
      payment_amount_usd: '3.50',
      ...lost,
    });
    await reconcileTopups({ ctx });
    expect(await available(account.id)).toBe(0);

    const both = await Promise.all([
      resolveTopup(topup.id, 'credit', 'funds released by Heleket'),
      resolveTopup(topup.id, 'credit', 'funds released by Heleket'),
    ]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const done = both.find((r) => r.statusCode === 200)!.json().data;
    expect(done).toMatchObject({
      credited_idr: 56_000,
      gateway_status: expect.stringContaining('paid_over'),
      topup: { id: topup.id, status: 'credited', paid_amount: '3.50', review_decision: 'credit' },
    });
    expect(await available(account.id)).toBe(56_000);
    expect(await deposits(account.id)).toBe(1);
    expectRefusal(await resolveTopup(topup.id, 'reject', 'changed my mind'), 409, 'CONFLICT');
    expect(await audited('topup.review_credit', topup.id)).toEqual([
      expect.objectContaining({
        actor_account_id: admin.account.id,
        after: expect.objectContaining({ credited_idr: 56_000, note: 'funds released by Heleket' }),
      }),
    ]);
  });

  it('reject: the top-up fails with the note, and a later payment at the gateway credits nothing', async () => {
    const { account, topup } = await lockedTopup('4.00');
    const rejected = await resolveTopup(topup.id, 'reject', 'AML hold confirmed');
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(rejected.json().data).toMatchObject({
      credited_idr: null,
      topup: { status: 'failed', review_decision: 'reject', review_note: 'AML hold confirmed' },
    });
    expectRefusal(await resolveTopup(topup.id, 'reject', 'again'), 409, 'CONFLICT');
    expectRefusal(await resolveTopup(topup.id, 'credit', 'again'), 409, 'CONFLICT');

    await control(`heleket/payments/${topup.payment}/status`, {
      status: 'paid',
      payment_amount_usd: '4.00',
      ...lost,
    });
    await reconcileTopups({ ctx });
    expect(await available(account.id)).toBe(0);
    expect((await topupRow(topup.id)).status).toBe('failed');
    expect(await audited('topup.review_reject', topup.id)).toHaveLength(1);
  });

  it('a Stripe top-up credited from review keeps its charge, so a later dispute finds it', async () => {
    const customer = await createCustomer(ctx);
    const topup = await topUp(customer.apiKey, { gateway: 'stripe', amount: '2.00', currency: 'USD' });
    await markTopupReview({
      ctx,
      input: { gateway: 'stripe', gatewayPaymentId: topup.payment, reason: 'set aside for the test' },
    });
    await control(`stripe/sessions/${topup.payment}/pay`, lost);
    expect((await resolveTopup(topup.id, 'credit', 'paid, checked by hand')).statusCode).toBe(200);
    const stored = await ctx.pool.query(
      'SELECT gateway_charge_ref FROM topups WHERE gateway_payment_id = $1',
      [topup.payment],
    );
    expect(stored.rows[0].gateway_charge_ref).toMatch(/^pi_/);
  });

  it('only a top-up in review can be decided; an unknown one is 404, bad input 422', async () => {
    const { apiKey } = await createCustomer(ctx);
    const pending = await topUp(apiKey, { gateway: 'heleket', amount: '1.00', currency: 'USD' });
    for (const action of ['credit', 'reject'] as const)
      expectRefusal(await resolveTopup(pending.id, action, 'not in review'), 409, 'CONFLICT');
    expect((await topupRow(pending.id)).status).toBe('pending');
    expectRefusal(await resolveTopup('np-topup-999999999', 'reject', 'x'), 404, 'NOT_FOUND');
    const refund = await adminCall('POST', `/topups/${pending.id}/resolve`, { action: 'refund', note: 'x' });
    expectRefusal(refund, 422, 'VALIDATION_ERROR');
    expectRefusal(await resolveTopup(pending.id, 'reject', ' '), 422, 'VALIDATION_ERROR');
  });

  it('the CLI decides too: numpool admin topup-resolve <id> reject --note …, and refuses a second decision', {
    timeout: PROCESS_TEST_TIMEOUT,
  }, async () => {
    const { topup } = await lockedTopup('2.00');
    const dataDir = mkdtempSync(join(tmpdir(), 'numpool-topup-resolve-'));
    cleanupAfterFile(() => rmSync(dataDir, { recursive: true, force: true }));
    const env = { DATABASE_URL: ctx.url, NUMPOOL_SECRET: ctx.secret, NUMPOOL_DATA_DIR: dataDir };
    const first = await runCli(
      ['admin', 'topup-resolve', topup.id, 'reject', '--note', 'duplicate payment'],
      env,
    );
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ topup: topup.id, status: 'failed' });
    expect(await topupRow(topup.id)).toMatchObject({ status: 'failed', review_note: 'duplicate payment' });
    const second = await runCli(['admin', 'topup-resolve', topup.id, 'credit', '--note', 'again'], env);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('not in review');
  });
});
