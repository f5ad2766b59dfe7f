/**
 * A hold: a pending transfer from the customer's wallet to platform revenue. It reserves the amount
 * (debits_pending) so the wallet cannot spend it twice; the database CHECK refuses a hold the wallet
 * cannot cover, whatever runs concurrently. Resolved once, later, by postHold or voidHold.
 */
import { type DbContext, pgConstraint, withTransaction } from '../platform/db.ts';
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
  return withTransaction(ctx, async (tx) => {
    try {
      const wallet = await tx.db.query<{ id: number }>(
        `UPDATE ledger_accounts SET debits_pending = debits_pending + $2 WHERE account_id = $1 RETURNING id`,
        [input.accountId, input.amount],
      );
      if (!wallet.rows[0]) throw new DomainError('NOT_FOUND', `account ${input.accountId} has no wallet`);
      const transfer = await tx.db.query<{ id: number }>(
        `INSERT INTO transfers (kind, debit_account_id, credit_account_id, amount, code, external_id)
         SELECT 'pending', $1, la.id, $2, 'order_hold', $3 FROM ledger_accounts la WHERE la.code = $4
         RETURNING id`,
        [wallet.rows[0].id, input.amount, input.reference, PLATFORM_ACCOUNTS.revenue],
      );
      return { transferId: transfer.rows[0]!.id };
    } catch (error) {
      if (pgConstraint(error) === 'wallet_not_overdrawn') {
        throw new DomainError('INSUFFICIENT_BALANCE', 'balance is too low for this order');
      }
      if (pgConstraint(error) === 'transfers_external_key') {
        throw new DomainError('CONFLICT', `a hold for ${input.reference} already exists`);
      }
      throw error;
    }
  });
}
