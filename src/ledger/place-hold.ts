/**
 * A hold: a pending transfer from the customer's wallet to platform revenue. It reserves the amount
 * (debits_pending) so the wallet cannot spend it twice; the database CHECK refuses a hold the wallet
 * cannot cover, whatever runs concurrently. Resolved once, later, by postHold or voidHold.
 */
import { type DbContext, pgConstraint } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import { MAX_AMOUNT, PLATFORM_ACCOUNTS } from './ledger-account.ts';

export interface HoldInput {
  accountId: number;
  amount: number;
  /** What the hold is for, unique per code (e.g. order:123): one hold per order, ever. */
  reference: string;
}

export async function placeHold({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: HoldInput;
}): Promise<{ transferId: number }> {
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0 || input.amount > MAX_AMOUNT) {
    throw new DomainError('VALIDATION_ERROR', 'hold amount must be a positive whole number of IDR');
  }
  try {
    // One statement (the wallet row and the transfer together): atomic on its own, so it needs no
    // transaction of its own and costs one round trip inside the caller's.
    const transfer = await ctx.db.query<{ id: number }>({
      name: 'ledger.place-hold',
      // The wallet is only touched when the transfer can be written too, so no row means nothing changed.
      text: `WITH revenue AS (SELECT id FROM ledger_accounts WHERE code = $4),
             wallet AS (
               UPDATE ledger_accounts SET debits_pending = debits_pending + $2
               WHERE account_id = $1 AND EXISTS (SELECT 1 FROM revenue) RETURNING id)
             INSERT INTO transfers (kind, debit_account_id, credit_account_id, amount, code, external_id)
             SELECT 'pending', w.id, r.id, $2, 'order_hold', $3 FROM wallet w, revenue r
             RETURNING id`,
      values: [input.accountId, input.amount, input.reference, PLATFORM_ACCOUNTS.revenue],
    });
    if (!transfer.rows[0]) throw new DomainError('NOT_FOUND', `account ${input.accountId} has no wallet`);
    return { transferId: transfer.rows[0].id };
  } catch (error) {
    if (pgConstraint(error) === 'wallet_not_overdrawn') {
      throw new DomainError('INSUFFICIENT_BALANCE', 'balance is too low for this order');
    }
    if (pgConstraint(error) === 'transfers_external_key') {
      throw new DomainError('CONFLICT', `a hold for ${input.reference} already exists`);
    }
    throw error;
  }
}
