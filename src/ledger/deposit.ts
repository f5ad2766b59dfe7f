/**
 * A top-up: one posted transfer from platform funding to the customer's wallet.
 *
 * With an externalId (payment reference) a deposit happens at most once: a repeat with the same account and
 * amount returns the original transfer; a repeat that differs is a CONFLICT. Concurrent repeats serialise on
 * the unique index, so the wallet is credited once.
 */
import { type DbContext, withTransaction } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import { BALANCE_COLUMNS, checkIdrAmount, PLATFORM_ACCOUNTS, type WalletBalance } from './ledger-account.ts';

export interface DepositInput {
  accountId: number;
  /** Integer IDR. */
  amount: number;
  externalId?: string | undefined;
  memo?: string | undefined;
}

export interface DepositResult {
  transferId: number;
  replayed: boolean;
  balance: WalletBalance;
}

const CODE = 'deposit';

export async function deposit({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: DepositInput;
}): Promise<DepositResult> {
  checkIdrAmount(input.amount);
  if (input.externalId !== undefined && !/^[\x21-\x7e]{1,128}$/.test(input.externalId)) {
    throw new DomainError('VALIDATION_ERROR', 'reference must be 1-128 printable characters without spaces');
  }

  return withTransaction(ctx, async (tx) => {
    const accounts = await tx.db.query<{ id: number; code: string; account_id: number | null }>(
      `SELECT id, code, account_id FROM ledger_accounts WHERE account_id = $1 OR code = $2`,
      [input.accountId, PLATFORM_ACCOUNTS.funding],
    );
    const wallet = accounts.rows.find((a) => a.account_id === input.accountId);
    const funding = accounts.rows.find((a) => a.code === PLATFORM_ACCOUNTS.funding);
    if (!wallet) throw new DomainError('NOT_FOUND', `account ${input.accountId} has no wallet`);
    if (!funding) throw new Error('ledger account platform:funding is missing');

    const inserted = await tx.db.query<{ id: number }>(
      `INSERT INTO transfers (kind, debit_account_id, credit_account_id, amount, code, external_id, memo)
       VALUES ('posted', $1, $2, $3, $4, $5, $6)
       ON CONFLICT (code, external_id) WHERE external_id IS NOT NULL DO NOTHING
       RETURNING id`,
      [funding.id, wallet.id, input.amount, CODE, input.externalId ?? null, input.memo ?? null],
    );

    if (inserted.rowCount === 0) {
      const existing = await tx.db.query<{ id: number; credit_account_id: number; amount: number }>(
        `SELECT id, credit_account_id, amount FROM transfers WHERE code = $1 AND external_id = $2`,
        [CODE, input.externalId],
      );
      const original = existing.rows[0]!;
      if (original.credit_account_id !== wallet.id || original.amount !== input.amount) {
        throw new DomainError('CONFLICT', `deposit ${input.externalId} was already made with other details`);
      }
      const balance = await tx.db.query<WalletBalance>(
        `SELECT ${BALANCE_COLUMNS} FROM ledger_accounts WHERE id = $1`,
        [wallet.id],
      );
      return { transferId: original.id, replayed: true, balance: balance.rows[0]! };
    }

    // Only the wallet keeps running totals; platform balances are derived from transfers.
    const updated = await tx.db.query<WalletBalance>(
      `UPDATE ledger_accounts SET credits_posted = credits_posted + $2 WHERE id = $1 RETURNING ${BALANCE_COLUMNS}`,
      [wallet.id, input.amount],
    );
    return { transferId: inserted.rows[0]!.id, replayed: false, balance: updated.rows[0]! };
  });
}
