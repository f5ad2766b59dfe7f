import type { DbContext } from '../platform/db.ts';
import { walletCode } from './ledger-account.ts';

/** Creates the account's wallet if it has none. */
export async function createWallet({ ctx, input }: { ctx: DbContext; input: { accountId: number } }) {
  await ctx.db.query(
    `INSERT INTO ledger_accounts (code, kind, account_id) VALUES ($1, 'wallet', $2)
     ON CONFLICT (account_id) DO NOTHING`,
    [walletCode(input.accountId), input.accountId],
  );
}
