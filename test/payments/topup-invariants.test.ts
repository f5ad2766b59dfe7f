/**
 * The ledger check's top-up invariants against real state made by the payment verbs, then one record
 * corrupted at a time inside a transaction that is rolled back: each new check is seen to report its
 * fault (and the balances the fault also moves).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../../src/audit/audit-actor.ts';
import { adjustBalance } from '../../src/ledger/adjust-balance.ts';
import { checkLedger, type LedgerViolation } from '../../src/ledger/check-ledger.ts';
import { creditTopup } from '../../src/payments/credit-topup.ts';
import { debitTopupDispute, debitTopupRefund } from '../../src/payments/debit-topup.ts';
import { reverseDispute } from '../../src/payments/reverse-dispute.ts';
import { setTopupBonus } from '../../src/payments/set-topup-bonus.ts';
import type { DbContext } from '../../src/platform/db.ts';
import { createCustomer } from '../support/factories.ts';
import { createTestContext } from '../support/test-database.ts';
import { configureGateways, moneyOf, pendingTopup } from './topup-fixture.ts';

const ctx = await createTestContext();
await configureGateways(ctx);

let accountId: number;
let refunded: Awaited<ReturnType<typeof pendingTopup>>;
let disputed: Awaited<ReturnType<typeof pendingTopup>>;
let open: Awaited<ReturnType<typeof pendingTopup>>;
let bonused: Awaited<ReturnType<typeof pendingTopup>>;
let bonusedAccountId: number;

beforeAll(async () => {
  ({
    account: { id: accountId },
  } = await createCustomer(ctx));
  refunded = await pendingTopup(ctx, { accountId, gateway: 'stripe', amount: '10.00' });
  await creditTopup({ ctx, input: { ...refunded, paidAmount: '10.00', paidCurrency: 'USD' } });
  await adjustBalance({
    ctx,
    input: { accountId, direction: 'debit', amount: 150_000, reason: 'spent', actor: CLI_ACTOR },
  });
  await debitTopupRefund({ ctx, input: { ...refunded, amount: '10.00' } });
  disputed = await pendingTopup(ctx, { accountId, gateway: 'heleket', amount: '5.00' });
  await creditTopup({ ctx, input: { ...disputed, paidAmount: '5.00', paidCurrency: 'USD' } });
  await debitTopupDispute({ ctx, input: { ...disputed, amount: '5.00' } });
  await reverseDispute({ ctx, input: disputed });
  open = await pendingTopup(ctx, { accountId, gateway: 'duitku', amount: '20000' });
  // The refund left 150000 owed; the second credit settled 80000; its dispute took 80000 more (all owed)
  // and, won, gave it back to settle it again.
  expect(await moneyOf(ctx, accountId)).toEqual({ available: 0, owed: 70_000 });

  // A top-up with a fee and a bonus, partly refunded, partly disputed and the dispute won.
  await configureGateways(ctx, { duitku: '0.7' });
  await setTopupBonus({ ctx, input: { tiers: [{ minIdr: 500_000, percent: '4' }], actor: CLI_ACTOR } });
  ({
    account: { id: bonusedAccountId },
  } = await createCustomer(ctx));
  bonused = await pendingTopup(ctx, { accountId: bonusedAccountId, gateway: 'duitku', amount: '1000000' });
  await creditTopup({ ctx, input: { ...bonused, paidAmount: '1000000', paidCurrency: 'IDR' } });
  await debitTopupRefund({ ctx, input: { ...bonused, amount: '250000' } });
  await debitTopupDispute({ ctx, input: { ...bonused, amount: '250000' } });
  await reverseDispute({ ctx, input: bonused });
  // 1,033,000 credited; the refund took 248,250 + 10,000 back.
  expect(await moneyOf(ctx, bonusedAccountId)).toEqual({ available: 774_750, owed: 0 });
});

async function violationsAfter(corrupt: (tx: DbContext) => Promise<unknown>): Promise<string[]> {
  const client = await ctx.pool.connect();
  try {
    await client.query('BEGIN');
    const tx: DbContext = { ...ctx, db: client, inTransaction: true };
    await corrupt(tx);
    return named(await checkLedger({ ctx: tx }));
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

const named = (violations: LedgerViolation[]) => violations.map((v) => `${v.check} ${v.record}`).sort();
const editable = (tx: DbContext) => tx.db.query('ALTER TABLE transfers DISABLE TRIGGER transfers_immutable');
const topup = (t: { topup: { id: number } }) => `topup:${t.topup.id}`;
const receivable = () => `receivable:${accountId}`;

describe('the ledger check on top-ups', () => {
  it('reports nothing for credited, refunded, disputed, re-credited and open top-ups, fees and bonuses', async () => {
    expect(await checkLedger({ ctx })).toEqual([]);
  });

  it('topup_credit: a credited top-up whose deposit is for another amount', async () => {
    const found = await violationsAfter((tx) =>
      tx.db.query('UPDATE topups SET credited_idr = credited_idr + 1 WHERE id = $1', [refunded.topup.id]),
    );
    expect(found).toEqual([
      'platform_balance platform:funding',
      'platform_balance platform:gateway:stripe',
      `topup_credit ${topup(refunded)}`,
    ]);
  });

  it('topup_credit: a top-up marked credited with no deposit', async () => {
    const found = await violationsAfter((tx) =>
      tx.db.query(
        `UPDATE topups SET status = 'credited', credited_idr = 20000, credited_at = now() WHERE id = $1`,
        [open.topup.id],
      ),
    );
    expect(found).toEqual([
      'platform_balance platform:funding',
      'platform_balance platform:gateway:duitku',
      `topup_credit ${topup(open)}`,
    ]);
  });

  it('topup_credit: a gateway deposit no credited top-up stands for', async () => {
    let ghost = 0;
    const found = await violationsAfter(async (tx) => {
      const inserted = await tx.db.query(
        `INSERT INTO transfers (kind, debit_account_id, credit_account_id, amount, code, external_id)
         SELECT 'posted', g.id, w.id, 5000, 'gateway_deposit', 'duitku:ghost'
         FROM ledger_accounts g, ledger_accounts w WHERE g.code = 'platform:gateway:duitku' AND w.account_id = $1
         RETURNING id`,
        [accountId],
      );
      ghost = inserted.rows[0].id;
      await tx.db.query(
        'UPDATE ledger_accounts SET credits_posted = credits_posted + 5000 WHERE account_id = $1',
        [accountId],
      );
    });
    expect(found).toEqual([
      'platform_balance platform:funding',
      'platform_balance platform:gateway:duitku',
      `topup_credit transfer:${ghost}`,
    ]);
  });

  it('topup_credit and transfer_route: a deposit paid from funding instead of its gateway', async () => {
    const deposit = await ctx.db.query(
      `SELECT id FROM transfers WHERE code = 'gateway_deposit' AND external_id = $1`,
      [`stripe:${refunded.gatewayPaymentId}`],
    );
    const id = deposit.rows[0].id;
    const found = await violationsAfter(async (tx) => {
      await editable(tx);
      await tx.db.query(
        `UPDATE transfers SET debit_account_id = (SELECT id FROM ledger_accounts WHERE code = 'platform:funding')
         WHERE id = $1`,
        [id],
      );
    });
    expect(found).toEqual([
      'platform_balance platform:funding',
      'platform_balance platform:gateway:stripe',
      `topup_credit ${topup(refunded)}`,
      `transfer_route transfer:${id}`,
    ]);
  });

  it('topup_debit: a refund recorded for less than its transfers took', async () => {
    const found = await violationsAfter((tx) =>
      tx.db.query('UPDATE topups SET refunded_idr = refunded_idr - 1 WHERE id = $1', [refunded.topup.id]),
    );
    expect(found).toEqual(['platform_balance platform:gateway:stripe', `topup_debit ${topup(refunded)}`]);
  });

  it('topup_debit: a won dispute recorded as not re-credited', async () => {
    const found = await violationsAfter((tx) =>
      tx.db.query('UPDATE topups SET dispute_reversed_idr = 0 WHERE id = $1', [disputed.topup.id]),
    );
    expect(found).toEqual([
      'platform_balance platform:funding',
      'platform_balance platform:gateway:heleket',
      `topup_debit ${topup(disputed)}`,
    ]);
  });

  it('receivable_balance: what is owed differs from the shortfalls less the settlements', async () => {
    const found = await violationsAfter((tx) =>
      tx.db.query('UPDATE topups SET shortfall_idr = shortfall_idr + 7 WHERE id = $1', [refunded.topup.id]),
    );
    expect(found).toEqual([`receivable_balance ${receivable()}`, `topup_debit ${topup(refunded)}`]);
  });

  it('receivable_balance and wallet_totals: a receivable whose totals moved without a transfer', async () => {
    const found = await violationsAfter((tx) =>
      tx.db.query('UPDATE ledger_accounts SET debits_posted = debits_posted + 7 WHERE receivable_of = $1', [
        accountId,
      ]),
    );
    expect(found).toEqual([`receivable_balance ${receivable()}`, `wallet_totals ${receivable()}`]);
  });

  it('receivable_balance: a negative receivable (its CHECK lifted)', async () => {
    let detail = '';
    const found = await violationsAfter(async (tx) => {
      await tx.db.query('ALTER TABLE ledger_accounts DROP CONSTRAINT receivable_not_negative');
      await tx.db.query(
        'UPDATE ledger_accounts SET credits_posted = debits_posted + 9 WHERE receivable_of = $1',
        [accountId],
      );
      const violations = await checkLedger({ ctx: tx });
      detail = violations.find((v) => v.check === 'receivable_balance')?.detail ?? '';
    });
    expect(found).toEqual([`receivable_balance ${receivable()}`, `wallet_totals ${receivable()}`]);
    expect(detail).toMatch(/owes -9 IDR: a receivable is never negative/);
  });

  it('topup_fee: a fee charged for more than its snapshotted percent gives', async () => {
    const found = await violationsAfter((tx) =>
      tx.db.query('UPDATE topups SET fee_percent = 1 WHERE id = $1', [bonused.topup.id]),
    );
    expect(found).toEqual([`topup_fee ${topup(bonused)}`]);
  });

  it('topup_fee: a fee transfer for another amount than the top-up records', async () => {
    const found = await violationsAfter(async (tx) => {
      await editable(tx);
      await tx.db.query(
        `UPDATE transfers SET amount = amount + 1 WHERE code = 'topup_fee' AND external_id = $1`,
        [`topup:${bonused.topup.id}:fee`],
      );
      await tx.db.query(
        'UPDATE ledger_accounts SET debits_posted = debits_posted + 1 WHERE account_id = $1',
        [bonusedAccountId],
      );
    });
    expect(found).toEqual(['platform_balance platform:topup_fees', `topup_fee ${topup(bonused)}`]);
  });

  it('topup_fee: the fee share of a refund not returned from fee revenue', async () => {
    const found = await violationsAfter(async (tx) => {
      await editable(tx);
      await tx.db.query(`DELETE FROM transfers WHERE code = 'topup_fee_return' AND external_id LIKE $1`, [
        `topup:${bonused.topup.id}:refund:%`,
      ]);
    });
    expect(found).toEqual([
      'platform_balance platform:gateway:duitku',
      'platform_balance platform:topup_fees',
      `topup_fee ${topup(bonused)}`,
    ]);
  });

  it('topup_bonus: a bonus percent its snapshotted tiers do not give', async () => {
    let detail = '';
    const found = await violationsAfter(async (tx) => {
      await tx.db.query('UPDATE topups SET bonus_percent = 10 WHERE id = $1', [bonused.topup.id]);
      detail = (await checkLedger({ ctx: tx })).find((v) => v.check === 'topup_bonus')?.detail ?? '';
    });
    expect(found).toEqual([`topup_bonus ${topup(bonused)}`]);
    expect(detail).toMatch(/applied a bonus of 10\.00%; its tiers give 4\.00% to 1000000 IDR/);
  });

  it('topup_bonus: a bonus recorded for more than the wallet got', async () => {
    const found = await violationsAfter((tx) =>
      tx.db.query('UPDATE topups SET bonus_idr = bonus_idr + 1 WHERE id = $1', [bonused.topup.id]),
    );
    expect(found).toEqual([
      'platform_balance platform:funding',
      'platform_balance platform:topup_bonuses',
      `topup_bonus ${topup(bonused)}`,
    ]);
  });

  it('topup_bonus and transfer_route: a bonus paid into another wallet, from funding', async () => {
    const bonus = await ctx.db.query(
      `SELECT id FROM transfers WHERE code = 'topup_bonus' AND external_id = $1`,
      [`topup:${bonused.topup.id}:bonus`],
    );
    const id = bonus.rows[0].id;
    const found = await violationsAfter(async (tx) => {
      await editable(tx);
      await tx.db.query(
        `UPDATE transfers SET debit_account_id = (SELECT id FROM ledger_accounts WHERE code = 'platform:funding'),
           credit_account_id = (SELECT id FROM ledger_accounts WHERE account_id = $2)
         WHERE id = $1`,
        [id, accountId],
      );
    });
    expect(found).toEqual(
      [
        'platform_balance platform:funding',
        'platform_balance platform:topup_bonuses',
        `topup_bonus ${topup(bonused)}`,
        `transfer_route transfer:${id}`,
        `wallet_totals wallet:${accountId}`,
        `wallet_totals wallet:${bonusedAccountId}`,
      ].sort(),
    );
  });

  it('topup_bonus: a clawback that names no credited top-up', async () => {
    let stray = 0;
    const found = await violationsAfter(async (tx) => {
      const inserted = await tx.db.query(
        `INSERT INTO transfers (kind, debit_account_id, credit_account_id, amount, code, external_id)
         SELECT 'posted', w.id, b.id, 500, 'topup_bonus_clawback', 'topup:' || $2 || ':refund:1'
         FROM ledger_accounts w, ledger_accounts b WHERE w.account_id = $1 AND b.code = 'platform:topup_bonuses'
         RETURNING id`,
        [bonusedAccountId, open.topup.id],
      );
      stray = inserted.rows[0].id;
      await tx.db.query(
        'UPDATE ledger_accounts SET debits_posted = debits_posted + 500 WHERE account_id = $1',
        [bonusedAccountId],
      );
    });
    expect(found).toEqual(['platform_balance platform:topup_bonuses', `topup_bonus transfer:${stray}`]);
  });
});
