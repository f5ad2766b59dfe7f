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
  it('reports nothing for credited, refunded, disputed, re-credited and open top-ups', async () => {
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
});
