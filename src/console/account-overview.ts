/**
 * One account as an operator sees it: the account, its balance, how many orders it has in each status,
 * its live API keys and sessions, and its most recent orders (every status, failed ones included).
 */

import { ACCOUNT_COLUMNS, type Account } from '../accounts/account.ts';
import { getBalance } from '../ledger/get-balance.ts';
import type { WalletBalance } from '../ledger/ledger-account.ts';
import { ORDER_SELECT, type OrderRecord, type OrderStatus } from '../orders/order.ts';
import type { DbContext } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';

export const RECENT_ORDERS = 20;

export interface AccountOverview {
  account: Account;
  balance: WalletBalance;
  orderCounts: Partial<Record<OrderStatus, number>>;
  activeApiKeys: number;
  activeSessions: number;
  recentOrders: OrderRecord[];
}

export async function getAccountOverview({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { accountId: number };
}): Promise<AccountOverview> {
  const found = await ctx.db.query<Account & { activeApiKeys: number; activeSessions: number }>(
    `SELECT ${ACCOUNT_COLUMNS},
       (SELECT count(*)::int FROM api_keys k WHERE k.account_id = a.id AND k.revoked_at IS NULL) AS "activeApiKeys",
       (SELECT count(*)::int FROM sessions s WHERE s.account_id = a.id AND s.revoked_at IS NULL
          AND s.expires_at > now()) AS "activeSessions"
     FROM accounts a WHERE a.id = $1`,
    [input.accountId],
  );
  const row = found.rows[0];
  if (!row) throw new DomainError('NOT_FOUND', `no account ${input.accountId}`);
  const { activeApiKeys, activeSessions, ...account } = row;
  // One after another: inside a caller's transaction they share one connection.
  const balance = await getBalance({ ctx, input: { accountId: account.id } });
  const counts = await ctx.db.query<{ status: OrderStatus; n: number }>(
    'SELECT status, count(*)::int AS n FROM orders WHERE account_id = $1 GROUP BY status',
    [account.id],
  );
  const recent = await ctx.db.query<OrderRecord>(
    `${ORDER_SELECT} WHERE o.account_id = $1 ORDER BY o.id DESC LIMIT $2`,
    [account.id, RECENT_ORDERS],
  );
  return {
    account,
    balance,
    orderCounts: Object.fromEntries(counts.rows.map((c) => [c.status, c.n])),
    activeApiKeys,
    activeSessions,
    recentOrders: recent.rows,
  };
}
