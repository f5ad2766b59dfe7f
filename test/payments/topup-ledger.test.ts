/**
 * The money side of top-ups through the real verbs and a real database: a payment is credited once (on
 * replay and under concurrency), for what was paid, at the rate snapshotted at creation; refunds and
 * disputes take what the wallet has and book the rest to the receivable, which the next credit settles
 * first. The ledger check runs when the file ends.
 */
import { describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../../src/audit/audit-actor.ts';
import { adjustBalance } from '../../src/ledger/adjust-balance.ts';
import { checkLedger } from '../../src/ledger/check-ledger.ts';
import { ledgerHistory } from '../../src/ledger/ledger-history.ts';
import { configureGateway } from '../../src/payments/configure-gateway.ts';
import { createTopupRecord, TOPUP_LIFETIME_SECONDS } from '../../src/payments/create-topup-record.ts';
import { creditTopup } from '../../src/payments/credit-topup.ts';
import { debitTopupDispute, debitTopupRefund } from '../../src/payments/debit-topup.ts';
import { getTopup, listTopups } from '../../src/payments/list-topups.ts';
import { loadGatewayConfig } from '../../src/payments/load-gateway-config.ts';
import { markTopupPending } from '../../src/payments/mark-topup-pending.ts';
import { markTopupExpired, markTopupFailed, markTopupReview } from '../../src/payments/mark-topup-status.ts';
import { markPaymentEventProcessed, recordPaymentEvent } from '../../src/payments/record-payment-event.ts';
import { recordRejectedNotification } from '../../src/payments/record-rejected-notification.ts';
import { reverseDispute } from '../../src/payments/reverse-dispute.ts';
import { setFxRate } from '../../src/pricing/fx-rates.ts';
import { createCustomer } from '../support/factories.ts';
import { createTestContext } from '../support/test-database.ts';
import { configureGateways, moneyOf, pendingTopup } from './topup-fixture.ts';

const ctx = await createTestContext();
await configureGateways(ctx);

async function newAccount(balance = 0) {
  const { account } = await createCustomer(ctx, { balance });
  return account.id;
}

async function depositsOf(gatewayPaymentId: string) {
  const rows = await ctx.db.query(
    `SELECT id, amount FROM transfers WHERE code = 'gateway_deposit' AND external_id LIKE '%:' || $1`,
    [gatewayPaymentId],
  );
  return rows.rows;
}

const credit = (
  p: { gateway: 'heleket' | 'duitku' | 'stripe'; gatewayPaymentId: string },
  paidAmount: string,
  paidCurrency = 'USD',
) =>
  creditTopup({
    ctx,
    input: { gateway: p.gateway, gatewayPaymentId: p.gatewayPaymentId, paidAmount, paidCurrency },
  });

describe('a top-up record', () => {
  it('snapshots the rate, the IDR expected and its expiry, and has a public id', async () => {
    const accountId = await newAccount();
    const topup = await createTopupRecord({
      ctx,
      input: { accountId, gateway: 'heleket', amount: '12.50', currency: 'usd' },
    });
    expect(topup).toMatchObject({
      publicId: `np-topup-${topup.id}`,
      status: 'created',
      requestedAmount: '12.50',
      requestedCurrency: 'USD',
      expectedIdr: 200_000,
      gatewayPaymentId: null,
    });
    expect(Number(topup.fxIdrPerUnit)).toBe(16_000);
    // Decided once, so every create call for it sends the same expiry.
    expect(topup.expiresAt?.getTime()).toBe(topup.createdAt.getTime() + TOPUP_LIFETIME_SECONDS * 1000);
    const idr = await createTopupRecord({
      ctx,
      input: { accountId, gateway: 'duitku', amount: '150000', currency: 'IDR', method: 'NQ' },
    });
    expect(idr).toMatchObject({ expectedIdr: 150_000, method: 'NQ' });
    expect(Number(idr.fxIdrPerUnit)).toBe(1);
  });

  it.each([
    [{ gateway: 'heleket', amount: '0.50', currency: 'USD' }, 'VALIDATION_ERROR'],
    [{ gateway: 'heleket', amount: '5000.01', currency: 'USD' }, 'VALIDATION_ERROR'],
    [{ gateway: 'heleket', amount: '10', currency: 'IDR' }, 'VALIDATION_ERROR'],
    [{ gateway: 'heleket', amount: '1e3', currency: 'USD' }, 'VALIDATION_ERROR'],
    [{ gateway: 'heleket', amount: '10.001', currency: 'USD' }, 'VALIDATION_ERROR'],
    [{ gateway: 'heleket', amount: '-5', currency: 'USD' }, 'VALIDATION_ERROR'],
    [{ gateway: 'duitku', amount: '150000.50', currency: 'IDR' }, 'VALIDATION_ERROR'],
    [{ gateway: 'duitku', amount: '150000', currency: 'IDR' }, 'VALIDATION_ERROR'],
    [{ gateway: 'duitku', amount: '150000', currency: 'IDR', method: 'XX' }, 'VALIDATION_ERROR'],
    [{ gateway: 'paypal', amount: '10', currency: 'USD' }, 'VALIDATION_ERROR'],
  ] as const)('refuses %o', async (input, code) => {
    const accountId = await newAccount();
    await expect(createTopupRecord({ ctx, input: { accountId, ...input } as never })).rejects.toMatchObject({
      code,
    });
  });

  it('is refused while its gateway is off', async () => {
    const accountId = await newAccount();
    await configureGateway({
      ctx,
      input: {
        code: 'stripe',
        enabled: false,
        baseUrl: 'http://127.0.0.1:9',
        currencies: ['USD'],
        actor: CLI_ACTOR,
      },
    });
    try {
      await expect(
        createTopupRecord({ ctx, input: { accountId, gateway: 'stripe', amount: '10.00', currency: 'USD' } }),
      ).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    } finally {
      await configureGateways(ctx);
    }
  });

  it('goes pending once, with what the gateway answered; a payment id belongs to one top-up', async () => {
    const accountId = await newAccount();
    const created = await createTopupRecord({
      ctx,
      input: { accountId, gateway: 'duitku', amount: '50000', currency: 'IDR', method: 'BC' },
    });
    const answer = {
      topupId: created.id,
      gatewayPaymentId: 'DS0001VA',
      paymentUrl: null,
      qrString: null,
      vaNumber: '8808001234567890',
      expiresAt: new Date('2030-01-01T00:00:00Z'),
    };
    const pending = await markTopupPending({ ctx, input: answer });
    expect(pending).toMatchObject({
      status: 'pending',
      gatewayPaymentId: 'DS0001VA',
      vaNumber: '8808001234567890',
    });
    expect((await markTopupPending({ ctx, input: answer })).status).toBe('pending');
    await expect(
      markTopupPending({ ctx, input: { ...answer, gatewayPaymentId: 'DS0002' } }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    const other = await createTopupRecord({
      ctx,
      input: { accountId, gateway: 'duitku', amount: '50000', currency: 'IDR', method: 'NQ' },
    });
    await expect(markTopupPending({ ctx, input: { ...answer, topupId: other.id } })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(markTopupPending({ ctx, input: { ...answer, topupId: 987654321 } })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('belongs to its account: another account reads NOT_FOUND', async () => {
    const mine = await newAccount();
    const theirs = await newAccount();
    const { topup } = await pendingTopup(ctx, { accountId: mine, gateway: 'stripe', amount: '5.00' });
    expect((await getTopup({ ctx, input: { accountId: mine, topupId: topup.publicId } })).id).toBe(topup.id);
    expect((await getTopup({ ctx, input: { accountId: mine, topupId: topup.id } })).status).toBe('pending');
    await expect(
      getTopup({ ctx, input: { accountId: theirs, topupId: topup.publicId } }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(getTopup({ ctx, input: { accountId: mine, topupId: 'np-topup-x' } })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect((await listTopups({ ctx, input: { accountId: mine } })).map((t) => t.id)).toEqual([topup.id]);
    expect(await listTopups({ ctx, input: { accountId: theirs } })).toEqual([]);
  });
});

describe('crediting a top-up', () => {
  it('credits once: a replay answers the first credit and moves nothing', async () => {
    const accountId = await newAccount();
    const p = await pendingTopup(ctx, { accountId, gateway: 'heleket', amount: '10.00' });
    const first = await credit(p, '10.00');
    expect(first).toMatchObject({ creditedIdr: 160_000, settledIdr: 0, replayed: false });
    expect(first.topup).toMatchObject({ status: 'credited', paidAmount: '10.00', creditedIdr: 160_000 });
    const again = await credit(p, '10.00');
    expect(again).toMatchObject({ transferId: first.transferId, creditedIdr: 160_000, replayed: true });
    // The re-check of a later notification may report another amount: the payment is credited already.
    expect((await credit(p, '99.00')).transferId).toBe(first.transferId);
    expect(await depositsOf(p.gatewayPaymentId)).toHaveLength(1);
    expect(await moneyOf(ctx, accountId)).toEqual({ available: 160_000, owed: 0 });
  });

  it('stores the charge behind the payment, filled in by a replay if unknown; one charge, one top-up', async () => {
    const accountId = await newAccount();
    const withRef = await pendingTopup(ctx, { accountId, gateway: 'stripe', amount: '5.00' });
    const paid = { paidAmount: '5.00', paidCurrency: 'USD' };
    const first = await creditTopup({ ctx, input: { ...withRef, ...paid, chargeRef: 'pi_ledger_1' } });
    expect(first.topup.gatewayChargeRef).toBe('pi_ledger_1');
    // A later re-check never replaces it.
    const again = await creditTopup({ ctx, input: { ...withRef, ...paid, chargeRef: 'pi_other' } });
    expect(again).toMatchObject({ replayed: true, topup: { gatewayChargeRef: 'pi_ledger_1' } });

    const without = await pendingTopup(ctx, { accountId, gateway: 'stripe', amount: '5.00' });
    expect((await creditTopup({ ctx, input: { ...without, ...paid } })).topup.gatewayChargeRef).toBeNull();
    const filled = await creditTopup({ ctx, input: { ...without, ...paid, chargeRef: 'pi_ledger_2' } });
    expect(filled).toMatchObject({ replayed: true, topup: { gatewayChargeRef: 'pi_ledger_2' } });

    const other = await pendingTopup(ctx, { accountId, gateway: 'stripe', amount: '5.00' });
    await expect(
      creditTopup({ ctx, input: { ...other, ...paid, chargeRef: 'pi_ledger_1' } }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    // The same reference at another gateway is another charge.
    const heleket = await pendingTopup(ctx, { accountId, gateway: 'heleket', amount: '5.00' });
    await creditTopup({ ctx, input: { ...heleket, ...paid, chargeRef: 'pi_ledger_1' } });
    expect(await moneyOf(ctx, accountId)).toEqual({ available: 240_000, owed: 0 });
  });

  it('credits once when five credits of the same payment run at the same time', async () => {
    const accountId = await newAccount();
    const p = await pendingTopup(ctx, { accountId, gateway: 'stripe', amount: '20.00' });
    const results = await Promise.all(Array.from({ length: 5 }, () => credit(p, '20.00')));
    expect(new Set(results.map((r) => r.transferId)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(await depositsOf(p.gatewayPaymentId)).toEqual([{ id: results[0]!.transferId, amount: 320_000 }]);
    expect(await moneyOf(ctx, accountId)).toEqual({ available: 320_000, owed: 0 });
  });

  it('credits what was paid, more or less than asked', async () => {
    const accountId = await newAccount();
    const over = await pendingTopup(ctx, { accountId, gateway: 'heleket', amount: '10.00' });
    const under = await pendingTopup(ctx, { accountId, gateway: 'heleket', amount: '10.00' });
    expect((await credit(over, '10.37')).creditedIdr).toBe(165_920);
    expect((await credit(under, '9.99')).creditedIdr).toBe(159_840);
    const idr = await pendingTopup(ctx, { accountId, gateway: 'duitku', amount: '150000' });
    expect((await credit(idr, '149000', 'IDR')).creditedIdr).toBe(149_000);
    expect(await moneyOf(ctx, accountId)).toEqual({ available: 165_920 + 159_840 + 149_000, owed: 0 });
  });

  it('credits a payment that succeeds after its top-up expired', async () => {
    const accountId = await newAccount();
    const p = await pendingTopup(ctx, { accountId, gateway: 'stripe', amount: '5.00' });
    expect((await markTopupExpired({ ctx, input: p })).status).toBe('expired');
    const late = await credit(p, '5.00');
    expect(late.topup.status).toBe('credited');
    expect(await moneyOf(ctx, accountId)).toEqual({ available: 80_000, owed: 0 });
    // Money arrived: the top-up does not go back to expired.
    await expect(markTopupExpired({ ctx, input: p })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('credits a payment that succeeds after its top-up failed', async () => {
    const accountId = await newAccount();
    const p = await pendingTopup(ctx, { accountId, gateway: 'heleket', amount: '2.00' });
    expect((await markTopupFailed({ ctx, input: p })).status).toBe('failed');
    expect((await markTopupFailed({ ctx, input: p })).status).toBe('failed');
    expect((await credit(p, '2.00')).topup.status).toBe('credited');
    expect(await moneyOf(ctx, accountId)).toEqual({ available: 32_000, owed: 0 });
  });

  it('converts at the rate snapshotted at creation, rounding half up, after the rate changed', async () => {
    const accountId = await newAccount();
    await setFxRate({ ctx, input: { currency: 'USD', idrPerUnit: 16_000.5 } });
    try {
      const p = await pendingTopup(ctx, { accountId, gateway: 'heleket', amount: '1.01' });
      // 1.01 × 16000.5 = 16160.505 exactly: half up gives 16161 (binary floats give 16160.504999…).
      expect(p.topup.expectedIdr).toBe(16_161);
      await setFxRate({ ctx, input: { currency: 'USD', idrPerUnit: 17_000 } });
      expect((await credit(p, '1.01')).creditedIdr).toBe(16_161);
      const later = await pendingTopup(ctx, { accountId, gateway: 'heleket', amount: '1.01' });
      expect((await credit(later, '1.01')).creditedIdr).toBe(17_170);
    } finally {
      await setFxRate({ ctx, input: { currency: 'USD', idrPerUnit: 16_000 } });
    }
  });

  it('refuses a top-up in review, another currency, and an unknown payment', async () => {
    const accountId = await newAccount();
    const p = await pendingTopup(ctx, { accountId, gateway: 'heleket', amount: '10.00' });
    await expect(credit(p, '10.00', 'EUR')).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(credit({ gateway: 'heleket', gatewayPaymentId: 'nope' }, '10.00')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    // Another gateway's payment id is not this gateway's.
    await expect(
      credit({ gateway: 'stripe', gatewayPaymentId: p.gatewayPaymentId }, '10.00'),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await markTopupReview({ ctx, input: { ...p, reason: 'amounts disagree' } });
    await expect(credit(p, '10.00')).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await moneyOf(ctx, accountId)).toEqual({ available: 0, owed: 0 });
  });
});

describe('refunds and disputes', () => {
  it('take what the wallet has and book the rest to the receivable; the next credit settles it first', async () => {
    const accountId = await newAccount();
    const p = await pendingTopup(ctx, { accountId, gateway: 'stripe', amount: '10.00' });
    await credit(p, '10.00');
    await adjustBalance({
      ctx,
      input: { accountId, direction: 'debit', amount: 100_000, reason: 'spent elsewhere', actor: CLI_ACTOR },
    });
    expect(await moneyOf(ctx, accountId)).toEqual({ available: 60_000, owed: 0 });

    const refund = await debitTopupRefund({
      ctx,
      input: { ...p, amount: '10.00', reason: 'charge.refunded' },
    });
    expect(refund).toMatchObject({ debitedIdr: 160_000, fromWalletIdr: 60_000, shortfallIdr: 100_000 });
    expect(await moneyOf(ctx, accountId)).toEqual({ available: 0, owed: 100_000 });
    // The same cumulative amount again moves nothing.
    expect(await debitTopupRefund({ ctx, input: { ...p, amount: '10.00' } })).toMatchObject({
      debitedIdr: 0,
      replayed: true,
    });

    const next = await pendingTopup(ctx, { accountId, gateway: 'heleket', amount: '8.00' });
    expect(await credit(next, '8.00')).toMatchObject({ creditedIdr: 128_000, settledIdr: 100_000 });
    expect(await moneyOf(ctx, accountId)).toEqual({ available: 28_000, owed: 0 });
  });

  it('debit only the not-yet-debited part of a cumulative refund, never more than was credited', async () => {
    const accountId = await newAccount();
    const p = await pendingTopup(ctx, { accountId, gateway: 'stripe', amount: '10.00' });
    await credit(p, '10.00');
    expect((await debitTopupRefund({ ctx, input: { ...p, amount: '2.00' } })).debitedIdr).toBe(32_000);
    expect((await debitTopupRefund({ ctx, input: { ...p, amount: '5.00' } })).debitedIdr).toBe(48_000);
    // Out of order: an older cumulative figure arrives late.
    expect((await debitTopupRefund({ ctx, input: { ...p, amount: '2.00' } })).debitedIdr).toBe(0);
    expect((await debitTopupRefund({ ctx, input: { ...p, amount: '50.00' } })).debitedIdr).toBe(80_000);
    expect(await moneyOf(ctx, accountId)).toEqual({ available: 0, owed: 0 });
  });

  it('refuse to take back what was never credited', async () => {
    const accountId = await newAccount();
    const p = await pendingTopup(ctx, { accountId, gateway: 'stripe', amount: '10.00' });
    await expect(debitTopupRefund({ ctx, input: { ...p, amount: '10.00' } })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('a won dispute re-credits what the dispute debited, what is owed first', async () => {
    const accountId = await newAccount();
    const p = await pendingTopup(ctx, { accountId, gateway: 'stripe', amount: '10.00' });
    await credit(p, '10.00');
    await adjustBalance({
      ctx,
      input: { accountId, direction: 'debit', amount: 150_000, reason: 'spent', actor: CLI_ACTOR },
    });
    const opened = await debitTopupDispute({
      ctx,
      input: { ...p, amount: '10.00', reason: 'dispute.created' },
    });
    expect(opened).toMatchObject({ fromWalletIdr: 10_000, shortfallIdr: 150_000 });
    expect(await moneyOf(ctx, accountId)).toEqual({ available: 0, owed: 150_000 });

    const won = await reverseDispute({ ctx, input: p });
    expect(won).toMatchObject({ recreditedIdr: 160_000, settledIdr: 150_000, replayed: false });
    expect(await moneyOf(ctx, accountId)).toEqual({ available: 10_000, owed: 0 });
    expect(await reverseDispute({ ctx, input: p })).toMatchObject({ recreditedIdr: 0, replayed: true });
    expect(await moneyOf(ctx, accountId)).toEqual({ available: 10_000, owed: 0 });
  });

  it('the wallet statement lists every movement with the balance after it', async () => {
    const accountId = await newAccount(5_000);
    const p = await pendingTopup(ctx, { accountId, gateway: 'heleket', amount: '1.00' });
    await credit(p, '1.00');
    await debitTopupRefund({ ctx, input: { ...p, amount: '1.00' } });
    const q = await pendingTopup(ctx, { accountId, gateway: 'heleket', amount: '2.00' });
    await credit(q, '2.00');
    const history = await ledgerHistory({ ctx, input: { accountId } });
    expect(history.map((e) => [e.code, e.amount, e.balanceAfter])).toEqual([
      ['gateway_deposit', 32_000, 37_000],
      ['topup_debit', -16_000, 5_000],
      ['gateway_deposit', 16_000, 21_000],
      ['deposit', 5_000, 5_000],
    ]);
    const page = await ledgerHistory({
      ctx,
      input: { accountId, beforeId: history[1]!.transferId, limit: 1 },
    });
    expect(page.map((e) => e.code)).toEqual(['gateway_deposit']);
    expect(await moneyOf(ctx, accountId)).toEqual({ available: 37_000, owed: 0 });
  });
});

describe('gateway configuration and notifications', () => {
  it('seals the credentials, opens them for the adapter, and never audits them', async () => {
    const config = await loadGatewayConfig({ ctx, input: { code: 'heleket' } });
    expect(config).toMatchObject({
      code: 'heleket',
      baseUrl: 'http://127.0.0.1:9',
      credentials: { merchant: 'm-1', paymentKey: 'pk-secret' },
      enabled: true,
    });
    const stored = await ctx.db.query(
      `SELECT credentials_sealed FROM payment_gateways WHERE code = 'heleket'`,
    );
    expect(stored.rows[0].credentials_sealed).toMatch(/^v1\./);
    expect(stored.rows[0].credentials_sealed).not.toContain('pk-secret');
    const audit = await ctx.db.query(
      `SELECT before, after FROM audit_log WHERE action = 'payment_gateway.configure' AND target_id = 'heleket'`,
    );
    expect(audit.rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(audit.rows)).not.toMatch(/pk-secret|v1\./);
    expect(audit.rows.at(-1).after).toMatchObject({
      credentials_changed: true,
      credential_fields: ['merchant', 'paymentKey'],
    });
    await expect(loadGatewayConfig({ ctx, input: { code: 'nope' as never } })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
  });

  it('stores a notification once per event key', async () => {
    const first = await recordPaymentEvent({
      ctx,
      input: { gateway: 'stripe', eventKey: 'evt_1', payload: { a: 1 } },
    });
    const again = await recordPaymentEvent({
      ctx,
      input: { gateway: 'stripe', eventKey: 'evt_1', payload: { a: 2 } },
    });
    const other = await recordPaymentEvent({
      ctx,
      input: { gateway: 'heleket', eventKey: 'evt_1', payload: {} },
    });
    expect([first.isNew, again.isNew, other.isNew]).toEqual([true, false, true]);
    await markPaymentEventProcessed({ ctx, input: { id: first.id!, outcome: 'credited' } });
    const row = await ctx.db.query(
      'SELECT payload, outcome, processed_at FROM payment_events WHERE id = $1',
      [first.id],
    );
    expect(row.rows[0]).toMatchObject({ payload: { a: 1 }, outcome: 'credited' });
  });

  it('logs a rejected notification without its secrets', async () => {
    const { id } = await recordRejectedNotification({
      ctx,
      input: {
        gateway: 'stripe',
        reason: 'bad_signature',
        sourceIp: '203.0.113.9',
        headers: {
          'stripe-signature': 't=1,v1=abc',
          authorization: 'Bearer x',
          'content-type': 'application/json',
          sign: 's',
        },
        body: Buffer.from(`{"id":"evt_x"}\u0000${'y'.repeat(5000)}`),
      },
    });
    const row = await ctx.db.query('SELECT * FROM rejected_payment_notifications WHERE id = $1', [id]);
    expect(row.rows[0]).toMatchObject({
      gateway: 'stripe',
      reason: 'bad_signature',
      source_ip: '203.0.113.9',
    });
    expect(row.rows[0].headers).toEqual({ 'content-type': 'application/json' });
    expect(row.rows[0].body_excerpt.length).toBe(2_000);
  });

  it('leaves the ledger check clean', async () => {
    expect(await checkLedger({ ctx })).toEqual([]);
  });
});
