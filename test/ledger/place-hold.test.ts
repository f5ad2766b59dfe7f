/**
 * A hold is one statement: it reserves the amount and writes the pending transfer together, or changes
 * nothing — also outside any transaction, and also inside one that goes on afterwards. Holds here name
 * no order, so each test voids its own before the ledger check.
 */
import { describe, expect, it } from 'vitest';
import { checkLedger } from '../../src/ledger/check-ledger.ts';
import { getBalance } from '../../src/ledger/get-balance.ts';
import { placeHold } from '../../src/ledger/place-hold.ts';
import { voidHold } from '../../src/ledger/resolve-hold.ts';
import { withTransaction } from '../../src/platform/db.ts';
import { createCustomer } from '../support/factories.ts';
import { createTestContext } from '../support/test-database.ts';

const ctx = await createTestContext();

const holdsOf = async (reference: string) =>
  (
    await ctx.db.query(`SELECT kind, amount FROM transfers WHERE code = 'order_hold' AND external_id = $1`, [
      reference,
    ])
  ).rows;

describe('placeHold', () => {
  it('reserves the amount with one pending transfer, outside a transaction', async () => {
    const { account } = await createCustomer(ctx, { balance: 10_000 });
    const hold = await placeHold({ ctx, input: { accountId: account.id, amount: 4_000, reference: 'h:1' } });
    expect(hold.transferId).toBeGreaterThan(0);
    expect(await holdsOf('h:1')).toEqual([{ kind: 'pending', amount: 4_000 }]);
    expect(await getBalance({ ctx, input: { accountId: account.id } })).toEqual({
      available: 6_000,
      posted: 10_000,
      pending: 4_000,
    });
    await voidHold({ ctx, input: { holdId: hold.transferId } });
    expect(await checkLedger({ ctx })).toEqual([]);
  });

  it('refuses what the wallet cannot cover, and a repeated reference, changing nothing', async () => {
    const { account } = await createCustomer(ctx, { balance: 10_000 });
    await expect(
      placeHold({ ctx, input: { accountId: account.id, amount: 10_001, reference: 'h:2' } }),
    ).rejects.toMatchObject({ code: 'INSUFFICIENT_BALANCE' });
    const kept = await placeHold({ ctx, input: { accountId: account.id, amount: 1_000, reference: 'h:3' } });
    await expect(
      placeHold({ ctx, input: { accountId: account.id, amount: 1_000, reference: 'h:3' } }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await holdsOf('h:2')).toEqual([]);
    expect(await holdsOf('h:3')).toHaveLength(1);
    expect((await getBalance({ ctx, input: { accountId: account.id } })).pending).toBe(1_000);
    await voidHold({ ctx, input: { holdId: kept.transferId } });
    expect(await checkLedger({ ctx })).toEqual([]);
  });

  it('is NOT_FOUND for an account without a wallet, and joins the caller’s transaction', async () => {
    await expect(
      placeHold({ ctx, input: { accountId: 2_000_000_000, amount: 1, reference: 'h:4' } }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const { account } = await createCustomer(ctx, { balance: 5_000 });
    await expect(
      withTransaction(ctx, async (tx) => {
        await placeHold({ ctx: tx, input: { accountId: account.id, amount: 2_000, reference: 'h:5' } });
        throw new Error('the caller changes its mind');
      }),
    ).rejects.toThrow('the caller changes its mind');
    expect(await holdsOf('h:5')).toEqual([]);
    expect((await getBalance({ ctx, input: { accountId: account.id } })).pending).toBe(0);
    expect(await checkLedger({ ctx })).toEqual([]);
  });
});
