/**
 * The provider's share of a charge: when an order is charged, its cost (orders.cost_idr, converted at sync
 * time) moves from platform revenue to provider payable, so revenue keeps only the margin and what is owed
 * to each provider stays visible in the ledger. Once per order (the external key refuses a second one).
 */
import { type DbContext, withTransaction } from '../platform/db.ts';
import { PLATFORM_ACCOUNTS } from './ledger-account.ts';

export async function bookProviderCost({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { orderId: number; costIdr: number };
}): Promise<void> {
  // A free number (cost 0) moves nothing: transfers are positive by construction.
  if (input.costIdr <= 0) return;
  await withTransaction(ctx, async (tx) => {
    await tx.db.query(
      `INSERT INTO transfers (kind, debit_account_id, credit_account_id, amount, code, external_id)
       SELECT 'posted', r.id, p.id, $2, 'order_cost', 'order:' || $1::int
       FROM ledger_accounts r, ledger_accounts p WHERE r.code = $3 AND p.code = $4`,
      [input.orderId, input.costIdr, PLATFORM_ACCOUNTS.revenue, PLATFORM_ACCOUNTS.providerPayable],
    );
  });
}
