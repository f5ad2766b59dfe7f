/**
 * The gateway fee and the loyalty bonus of top-ups through the real verbs and a real database: exact
 * figures and rounding, tier boundaries, terms snapshotted at creation, credit once under concurrency,
 * refunds and disputes taking back the net share and clawing the bonus back in proportion, a won dispute
 * restoring it. The ledger check runs when the file ends.
 */
import { describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../../src/audit/audit-actor.ts';
import { adjustBalance } from '../../src/ledger/adjust-balance.ts';
import { checkLedger } from '../../src/ledger/check-ledger.ts';
import { ledgerHistory } from '../../src/ledger/ledger-history.ts';
import { creditTopup } from '../../src/payments/credit-topup.ts';
import { debitTopupDispute, debitTopupRefund } from '../../src/payments/debit-topup.ts';
import type { GatewayCode } from '../../src/payments/gateway-port.ts';
import { reverseDispute } from '../../src/payments/reverse-dispute.ts';
import { setTopupBonus } from '../../src/payments/set-topup-bonus.ts';
import { getTopupBonus } from '../../src/payments/topup-bonus-tiers.ts';
import { estimatedWalletCredit } from '../../src/payments/topup-terms.ts';
import { createCustomer } from '../support/factories.ts';
import { createTestContext } from '../support/test-database.ts';
import { configureGateways, moneyOf, pendingTopup } from './topup-fixture.ts';

const ctx = await createTestContext();
const FEES = { duitku: '0.7', stripe: '2.9' } as const;
await configureGateways(ctx, FEES);
const TIERS = [
  { minIdr: 500_000, percent: '4' },
  { minIdr: 2_000_000, percent: '10' },
];
await setTopupBonus({ ctx, input: { tiers: TIERS, actor: CLI_ACTOR } });

async function newAccount(balance = 0) {
  const { account } = await createCustomer(ctx, { balance });
  return account.id;
}

const credit = (
  p: { gateway: GatewayCode; gatewayPaymentId: string },
  paidAmount: string,
  currency = 'IDR',
) =>
  creditTopup({
    ctx,
    input: { gateway: p.gateway, gatewayPaymentId: p.gatewayPaymentId, paidAmount, paidCurrency: currency },
  });

/** A Duitku (IDR, fee 0.7 %) top-up of `idr`, credited as paid. */
async function creditedIdr(accountId: number, idr: number, paid = idr) {
  const p = await pendingTopup(ctx, { accountId, gateway: 'duitku', amount: String(idr) });
  return { p, result: await credit(p, String(paid)) };
}

async function transfersOf(topupId: number) {
  const rows = await ctx.db.query<{ code: string; amount: number }>(
    `SELECT code, amount FROM transfers WHERE external_id LIKE 'topup:' || $1 || ':%' ORDER BY id`,
    [topupId],
  );
  return rows.rows.map((r) => [r.code, r.amount]);
}

describe('a credited top-up with a fee and a bonus', () => {
  it('deposits what was paid, charges the fee and gives the bonus as their own lines', async () => {
    const accountId = await newAccount();
    const { p, result } = await creditedIdr(accountId, 1_000_000);
    // 0.7 % of 1,000,000 = 7,000; the 500,000 tier gives 4 % = 40,000.
    expect(result).toMatchObject({
      creditedIdr: 1_000_000,
      feeIdr: 7_000,
      bonusIdr: 40_000,
      replayed: false,
    });
    expect(result.topup).toMatchObject({ feePercent: '0.700', bonusPercent: '4.00', feeIdr: 7_000 });
    expect(await moneyOf(ctx, accountId)).toEqual({ available: 1_033_000, owed: 0 });
    const history = await ledgerHistory({ ctx, input: { accountId } });
    expect(history.map((e) => [e.code, e.amount, e.balanceAfter, e.memo])).toEqual([
      ['topup_bonus', 40_000, 1_033_000, `${p.topup.publicId}: loyalty bonus 4.00%`],
      ['topup_fee', -7_000, 993_000, `${p.topup.publicId}: duitku fee 0.700%`],
      ['gateway_deposit', 1_000_000, 1_000_000, p.topup.publicId],
    ]);
  });

  it('rounds the fee half up in whole IDR, from USD at the snapshotted rate', async () => {
    const accountId = await newAccount();
    // 10,500 × 0.7 % = 73.5 → 74.
    expect((await creditedIdr(accountId, 10_500)).result).toMatchObject({ feeIdr: 74, bonusIdr: 0 });
    // 10.37 USD × 16,000 = 165,920; × 2.9 % = 4,811.68 → 4,812.
    const usd = await pendingTopup(ctx, { accountId, gateway: 'stripe', amount: '10.37' });
    expect(await credit(usd, '10.37', 'USD')).toMatchObject({ creditedIdr: 165_920, feeIdr: 4_812 });
    // Heleket charges no fee: the whole payment stays.
    const free = await pendingTopup(ctx, { accountId, gateway: 'heleket', amount: '1.00' });
    expect(await credit(free, '1.00', 'USD')).toMatchObject({ creditedIdr: 16_000, feeIdr: 0, bonusIdr: 0 });
    expect(await transfersOf(free.topup.id)).toEqual([]);
    expect(await moneyOf(ctx, accountId)).toEqual({
      available: 10_500 - 74 + 165_920 - 4_812 + 16_000,
      owed: 0,
    });
  });

  it.each([
    [499_999, null, 0],
    [500_000, '4.00', 20_000],
    [1_999_999, '4.00', 79_999], // 79,999.96 floored
    [2_000_000, '10.00', 200_000],
    [3_333_335, '10.00', 333_333], // 333,333.5 floored
  ])('at %i IDR paid the tier is %s, the bonus %i', async (paid, percent, bonus) => {
    const accountId = await newAccount();
    const { result } = await creditedIdr(accountId, paid);
    expect(result.topup).toMatchObject({ bonusPercent: percent, bonusIdr: bonus });
    const fee = Math.round((paid * 7) / 1000);
    expect(await moneyOf(ctx, accountId)).toEqual({ available: paid - fee + bonus, owed: 0 });
  });

  it('decides the tier from what was paid, not what was asked', async () => {
    const accountId = await newAccount();
    const over = await creditedIdr(accountId, 490_000, 500_000);
    expect(over.result.topup).toMatchObject({ bonusPercent: '4.00', bonusIdr: 20_000 });
    const under = await creditedIdr(accountId, 500_000, 499_000);
    expect(under.result.topup).toMatchObject({ bonusPercent: null, bonusIdr: 0 });
  });

  it('credits, charges and gives once when five credits of the same payment run at the same time', async () => {
    const accountId = await newAccount();
    const p = await pendingTopup(ctx, { accountId, gateway: 'duitku', amount: '2000000' });
    const results = await Promise.all(Array.from({ length: 5 }, () => credit(p, '2000000')));
    expect(new Set(results.map((r) => r.transferId)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(results.map((r) => [r.feeIdr, r.bonusIdr])).toEqual(Array(5).fill([14_000, 200_000]));
    expect(await transfersOf(p.topup.id)).toEqual([
      ['topup_fee', 14_000],
      ['topup_bonus', 200_000],
    ]);
    expect(await moneyOf(ctx, accountId)).toEqual({ available: 2_186_000, owed: 0 });
  });

  it('settles what the account owes from what the wallet keeps, after the fee and the bonus', async () => {
    const accountId = await newAccount();
    const { p } = await creditedIdr(accountId, 100_000);
    await adjustBalance({
      ctx,
      input: { accountId, direction: 'debit', amount: 99_300, reason: 'spent', actor: CLI_ACTOR },
    });
    await debitTopupRefund({ ctx, input: { ...p, amount: '100000' } });
    expect(await moneyOf(ctx, accountId)).toEqual({ available: 0, owed: 99_300 });
    const { result } = await creditedIdr(accountId, 500_000);
    // 500,000 − 3,500 + 20,000 = 516,500 kept; 99,300 of it pays what was owed.
    expect(result.settledIdr).toBe(99_300);
    expect(await moneyOf(ctx, accountId)).toEqual({ available: 417_200, owed: 0 });
  });
});

describe('terms are snapshotted when the top-up is created', () => {
  it('keeps the fee and tiers of its creation; a later top-up takes the new ones', async () => {
    const accountId = await newAccount();
    const before = await pendingTopup(ctx, { accountId, gateway: 'duitku', amount: '1000000' });
    expect(before.topup.bonusTiers).toEqual([
      { minIdr: 500_000, percent: '4.00' },
      { minIdr: 2_000_000, percent: '10.00' },
    ]);
    expect(estimatedWalletCredit(before.topup)).toBe(1_033_000);
    try {
      await configureGateways(ctx, { duitku: '5' });
      await setTopupBonus({ ctx, input: { tiers: [{ minIdr: 1_000_000, percent: '1' }], actor: CLI_ACTOR } });
      const after = await pendingTopup(ctx, { accountId, gateway: 'duitku', amount: '1000000' });
      expect(estimatedWalletCredit(after.topup)).toBe(1_000_000 - 50_000 + 10_000);

      expect((await credit(before, '1000000')).topup).toMatchObject({ feeIdr: 7_000, bonusIdr: 40_000 });
      expect((await credit(after, '1000000')).topup).toMatchObject({ feeIdr: 50_000, bonusIdr: 10_000 });

      // Bonuses off: new top-ups get none, ones already started keep theirs.
      const started = await pendingTopup(ctx, { accountId, gateway: 'duitku', amount: '1000000' });
      await setTopupBonus({ ctx, input: { tiers: [], actor: CLI_ACTOR } });
      const off = await pendingTopup(ctx, { accountId, gateway: 'duitku', amount: '1000000' });
      expect(off.topup.bonusTiers).toEqual([]);
      expect((await credit(off, '1000000')).bonusIdr).toBe(0);
      expect((await credit(started, '1000000')).bonusIdr).toBe(10_000);
    } finally {
      await configureGateways(ctx, FEES);
      await setTopupBonus({ ctx, input: { tiers: TIERS, actor: CLI_ACTOR } });
    }
  });

  it('sets tiers sorted, audited, and refuses bad ones', async () => {
    const set = await setTopupBonus({
      ctx,
      input: {
        tiers: [
          { minIdr: 2_000_000, percent: '10' },
          { minIdr: 500_000, percent: '4.5' },
        ],
        actor: CLI_ACTOR,
      },
    });
    expect(set.tiers).toEqual([
      { minIdr: 500_000, percent: '4.50' },
      { minIdr: 2_000_000, percent: '10.00' },
    ]);
    expect(await getTopupBonus({ ctx })).toEqual(set);
    const audit = await ctx.db.query(
      `SELECT before, after FROM audit_log WHERE action = 'topup_bonus.set' ORDER BY id DESC LIMIT 1`,
    );
    expect(audit.rows[0].after).toEqual({
      tiers: [
        { min_idr: 500_000, percent: '4.50' },
        { min_idr: 2_000_000, percent: '10.00' },
      ],
    });
    for (const tiers of [
      [{ minIdr: 1, percent: '0' }],
      [{ minIdr: 1, percent: '100.01' }],
      [{ minIdr: -1, percent: '1' }],
      [{ minIdr: 1.5, percent: '1' }],
      [{ minIdr: 1, percent: '1e1' }],
      [
        { minIdr: 5, percent: '1' },
        { minIdr: 5, percent: '2' },
      ],
    ]) {
      await expect(setTopupBonus({ ctx, input: { tiers, actor: CLI_ACTOR } })).rejects.toMatchObject({
        code: 'VALIDATION_ERROR',
      });
    }
    await setTopupBonus({ ctx, input: { tiers: TIERS, actor: CLI_ACTOR } });
  });
});

describe('refunds and disputes of a top-up with a fee and a bonus', () => {
  it('take back the net share and claw the bonus back in proportion, floored', async () => {
    const accountId = await newAccount();
    const { p } = await creditedIdr(accountId, 1_000_000);
    // A quarter refunded: net share floor(250,000 × 993,000 / 1,000,000) = 248,250, fee share 1,750
    // (from fee revenue), bonus floor(250,000 × 40,000 / 1,000,000) = 10,000.
    const quarter = await debitTopupRefund({ ctx, input: { ...p, amount: '250000' } });
    expect(quarter).toMatchObject({ debitedIdr: 258_250, bonusClawedIdr: 10_000, feeReturnedIdr: 1_750 });
    expect(await moneyOf(ctx, accountId)).toEqual({ available: 1_033_000 - 258_250, owed: 0 });
    // 333,333 more: cumulative 583,333 → net 579,249 (579,249.669 floored), bonus 23,333.
    const more = await debitTopupRefund({ ctx, input: { ...p, amount: '583333' } });
    expect(more).toMatchObject({ debitedIdr: 579_249 - 248_250 + 23_333 - 10_000, bonusClawedIdr: 13_333 });
    // All of it: the customer gives back exactly what the top-up put in, net and bonus.
    const all = await debitTopupRefund({ ctx, input: { ...p, amount: '1000000' } });
    expect(all.topup).toMatchObject({ refundedIdr: 1_000_000 });
    expect(await moneyOf(ctx, accountId)).toEqual({ available: 0, owed: 0 });
    // Never more than that, whatever the gateway reports.
    expect(await debitTopupRefund({ ctx, input: { ...p, amount: '5000000' } })).toMatchObject({
      debitedIdr: 0,
      replayed: true,
    });
    const history = await ledgerHistory({ ctx, input: { accountId } });
    const takenBack = history.filter((e) => e.amount < 0 && e.code !== 'topup_fee');
    expect(takenBack.reduce((sum, e) => sum + e.amount, 0)).toBe(-1_033_000);
    expect(new Set(takenBack.map((e) => e.code))).toEqual(new Set(['topup_debit', 'topup_bonus_clawback']));
  });

  it('book what the wallet cannot cover, bonus included, to the receivable', async () => {
    const accountId = await newAccount();
    const { p } = await creditedIdr(accountId, 2_000_000);
    await adjustBalance({
      ctx,
      input: { accountId, direction: 'debit', amount: 2_100_000, reason: 'spent', actor: CLI_ACTOR },
    });
    const refund = await debitTopupRefund({ ctx, input: { ...p, amount: '2000000' } });
    // 2,186,000 given back: 86,000 from the wallet, 2,100,000 owed.
    expect(refund).toMatchObject({ debitedIdr: 2_186_000, fromWalletIdr: 86_000, shortfallIdr: 2_100_000 });
    expect(await moneyOf(ctx, accountId)).toEqual({ available: 0, owed: 2_100_000 });
  });

  it('a won dispute restores the net share and the bonus; the fee is charged again', async () => {
    const accountId = await newAccount();
    const { p } = await creditedIdr(accountId, 2_000_000);
    const opened = await debitTopupDispute({ ctx, input: { ...p, amount: '1000000' } });
    // Half disputed: net 993,000, bonus 100,000, fee share 7,000.
    expect(opened).toMatchObject({ debitedIdr: 1_093_000, bonusClawedIdr: 100_000, feeReturnedIdr: 7_000 });
    expect(await moneyOf(ctx, accountId)).toEqual({ available: 1_093_000, owed: 0 });
    const won = await reverseDispute({ ctx, input: p });
    expect(won).toMatchObject({ recreditedIdr: 1_093_000, bonusRestoredIdr: 100_000, replayed: false });
    expect(await moneyOf(ctx, accountId)).toEqual({ available: 2_186_000, owed: 0 });
    expect(await reverseDispute({ ctx, input: p })).toMatchObject({ recreditedIdr: 0, replayed: true });
    expect((await transfersOf(p.topup.id)).map(([code]) => code)).toEqual([
      'topup_fee',
      'topup_bonus',
      'topup_debit',
      'topup_fee_return',
      'topup_bonus_clawback',
      'dispute_reversal',
      'topup_bonus_restore',
      'topup_fee_restore',
    ]);
  });

  it('leaves the ledger check clean', async () => {
    expect(await checkLedger({ ctx })).toEqual([]);
  });
});
