import type { DbContext } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import { BALANCE_COLUMNS, type WalletBalance } from './ledger-account.ts';

export async function getBalance({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { accountId: number };
}): Promise<WalletBalance> {
  const result = await ctx.db.query<WalletBalance>({
    name: 'ledger.get-balance',
    text: `SELECT ${BALANCE_COLUMNS} FROM ledger_accounts WHERE account_id = $1`,
    values: [input.accountId],
  });
  const balance = result.rows[0];
  if (!balance) throw new DomainError('NOT_FOUND', `account ${input.accountId} has no wallet`);
  return balance;
}
