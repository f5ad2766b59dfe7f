import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAccount } from '../src/accounts/create-account.ts';
import { checkLedger } from '../src/ledger/check-ledger.ts';
import { deposit } from '../src/ledger/deposit.ts';
import { getBalance } from '../src/ledger/get-balance.ts';
import { MAX_AMOUNT } from '../src/ledger/ledger-account.ts';
import { pgErrorCode } from '../src/platform/db.ts';
import { createCustomer, uniqueEmail } from './support/factories.ts';
import { createTestContext } from './support/test-database.ts';

const ctx = await createTestContext();

/** Every wallet's stored totals equal its transfers, and funding's balance equals what the wallets received. */
async function expectLedgerConsistent() {
  expect(await checkLedger({ ctx })).toEqual([]);
}

describe('deposit', () => {
  it('credits the wallet with a posted transfer from platform funding', async () => {
    const { account } = await createCustomer(ctx);
    expect(await getBalance({ ctx, input: { accountId: account.id } })).toEqual({
      available: 0,
      posted: 0,
      pending: 0,
    });
    const result = await deposit({ ctx, input: { accountId: account.id, amount: 250_000 } });
    expect(result).toMatchObject({
      replayed: false,
      balance: { available: 250_000, posted: 250_000, pending: 0 },
    });
    const transfer = await ctx.db.query(
      `SELECT t.kind, t.amount, d.code AS debit, c.code AS credit FROM transfers t
       JOIN ledger_accounts d ON d.id = t.debit_account_id JOIN ledger_accounts c ON c.id = t.credit_account_id
       WHERE t.id = $1`,
      [result.transferId],
    );
    expect(transfer.rows[0]).toEqual({
      kind: 'posted',
      amount: 250_000,
      debit: 'platform:funding',
      credit: `wallet:${account.id}`,
    });
    await expectLedgerConsistent();
  });

  it.each([0, -5, 1.5, MAX_AMOUNT + 1, Number.NaN])('refuses amount %s', async (amount) => {
    const { account } = await createCustomer(ctx);
    await expect(deposit({ ctx, input: { accountId: account.id, amount } })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    expect((await getBalance({ ctx, input: { accountId: account.id } })).available).toBe(0);
  });

  it('refuses an unknown account', async () => {
    await expect(deposit({ ctx, input: { accountId: 999_999_999, amount: 10 } })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('credits once per reference and refuses a reference reused with other details', async () => {
    const { account } = await createCustomer(ctx);
    const first = await deposit({
      ctx,
      input: { accountId: account.id, amount: 5_000, externalId: `pay-${account.id}` },
    });
    const again = await deposit({
      ctx,
      input: { accountId: account.id, amount: 5_000, externalId: `pay-${account.id}` },
    });
    expect(again).toEqual({ ...first, replayed: true });
    await expect(
      deposit({ ctx, input: { accountId: account.id, amount: 6_000, externalId: `pay-${account.id}` } }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    const other = await createCustomer(ctx);
    await expect(
      deposit({
        ctx,
        input: { accountId: other.account.id, amount: 5_000, externalId: `pay-${account.id}` },
      }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await getBalance({ ctx, input: { accountId: account.id } })).available).toBe(5_000);
  });

  it('adds up exactly under concurrent deposits', async () => {
    const { account } = await createCustomer(ctx);
    const amounts = Array.from({ length: 40 }, (_, i) => 1_000 + i * 7);
    await Promise.all(amounts.map((amount) => deposit({ ctx, input: { accountId: account.id, amount } })));
    const expected = amounts.reduce((a, b) => a + b, 0);
    expect((await getBalance({ ctx, input: { accountId: account.id } })).available).toBe(expected);
    await expectLedgerConsistent();
  });

  it('credits once when the same reference arrives many times at once', async () => {
    const { account } = await createCustomer(ctx);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        deposit({ ctx, input: { accountId: account.id, amount: 7_777, externalId: `race-${account.id}` } }),
      ),
    );
    expect(new Set(results.map((r) => r.transferId)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect((await getBalance({ ctx, input: { accountId: account.id } })).available).toBe(7_777);
    await expectLedgerConsistent();
  });

  it('keeps balances exact for any sequence of deposits (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            amount: fc.integer({ min: 1, max: 50_000_000 }),
            ref: fc.option(fc.integer({ min: 0, max: 4 })),
          }),
          {
            minLength: 1,
            maxLength: 15,
          },
        ),
        async (steps) => {
          const { account } = await createAccount({
            ctx,
            input: { email: uniqueEmail('prop'), role: 'customer' },
          });
          const firstAmountByRef = new Map<number, number>();
          let expected = 0;
          for (const step of steps) {
            const externalId = step.ref === null ? undefined : `p-${account.id}-${step.ref}`;
            const known = step.ref === null ? undefined : firstAmountByRef.get(step.ref);
            const attempt = deposit({
              ctx,
              input: { accountId: account.id, amount: step.amount, externalId },
            });
            if (known !== undefined && known !== step.amount) {
              await expect(attempt).rejects.toMatchObject({ code: 'CONFLICT' });
              continue;
            }
            const result = await attempt;
            expect(result.replayed).toBe(known !== undefined);
            if (known === undefined) {
              expected += step.amount;
              if (step.ref !== null) firstAmountByRef.set(step.ref, step.amount);
            }
            expect(result.balance.available).toBe(expected);
          }
          expect((await getBalance({ ctx, input: { accountId: account.id } })).available).toBe(expected);
        },
      ),
      { numRuns: 25 },
    );
    await expectLedgerConsistent();
  });
});

/** These tests write a wallet's totals past the ledger, to test the database; the totals are put back. */
const releaseRawHolds = (accountId: number) =>
  ctx.db.query('UPDATE ledger_accounts SET debits_pending = 0 WHERE account_id = $1', [accountId]);

describe('ledger guarantees held by the database itself', () => {
  it('refuses to overdraw a wallet even when code tries to', async () => {
    const { account } = await createCustomer(ctx, { balance: 1_000 });
    const overdraw = ctx.db.query(
      `UPDATE ledger_accounts SET debits_pending = debits_pending + 1001 WHERE account_id = $1`,
      [account.id],
    );
    await expect(overdraw).rejects.toSatisfy((error) => pgErrorCode(error) === '23514');
    const exact = await ctx.db.query(
      `UPDATE ledger_accounts SET debits_pending = debits_pending + 1000 WHERE account_id = $1`,
      [account.id],
    );
    expect(exact.rowCount).toBe(1);
    expect((await getBalance({ ctx, input: { accountId: account.id } })).available).toBe(0);
    await releaseRawHolds(account.id);
  });

  it('never lets concurrent holds take a wallet below zero', async () => {
    const { account } = await createCustomer(ctx, { balance: 10_000 });
    const attempts = await Promise.allSettled(
      Array.from({ length: 25 }, () =>
        ctx.db.query(
          `UPDATE ledger_accounts SET debits_pending = debits_pending + 1500 WHERE account_id = $1`,
          [account.id],
        ),
      ),
    );
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(6);
    expect((await getBalance({ ctx, input: { accountId: account.id } })).available).toBe(1_000);
    await releaseRawHolds(account.id);
  });

  it('keeps transfers immutable', async () => {
    const { account } = await createCustomer(ctx);
    const { transferId } = await deposit({ ctx, input: { accountId: account.id, amount: 100 } });
    await expect(ctx.db.query('UPDATE transfers SET amount = 1 WHERE id = $1', [transferId])).rejects.toThrow(
      /immutable/,
    );
    await expect(ctx.db.query('DELETE FROM transfers WHERE id = $1', [transferId])).rejects.toThrow(
      /immutable/,
    );
  });
});
