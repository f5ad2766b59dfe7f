/**
 * A refund after completion (an operator's decision, e.g. the code never worked): a new posted transfer
 * from revenue back to the wallet — the original charge is never edited. Once per order.
 */
import { PLATFORM_ACCOUNTS } from '../ledger/ledger-account.ts';
import { pgConstraint, withTransaction } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import { loadOrder } from './load-order.ts';
import type { OrdersContext } from './orders-context.ts';

export async function refundOrder({
  ctx,
  input,
}: {
  ctx: OrdersContext;
  input: { orderId: number; memo?: string };
}): Promise<{ transferId: number; amount: number }> {
  return withTransaction(ctx, async (tx) => {
    const order = await loadOrder({ ctx: tx, input: { orderId: input.orderId, lock: true } });
    const charged = await tx.db.query(
      `SELECT 1 FROM transfers WHERE pending_id = $1 AND kind = 'post_pending'`,
      [order.holdTransferId],
    );
    if (charged.rowCount === 0) throw new DomainError('CONFLICT', `order ${order.id} was never charged`);
    try {
      const transfer = await tx.db.query<{ id: number }>(
        `INSERT INTO transfers (kind, debit_account_id, credit_account_id, amount, code, external_id, memo)
         SELECT 'posted', r.id, w.id, $2, 'order_refund', $3, $4
         FROM ledger_accounts r, ledger_accounts w WHERE r.code = $5 AND w.account_id = $1
         RETURNING id`,
        [order.accountId, order.amount, `order:${order.id}`, input.memo ?? null, PLATFORM_ACCOUNTS.revenue],
      );
      await tx.db.query(
        'UPDATE ledger_accounts SET credits_posted = credits_posted + $2 WHERE account_id = $1',
        [order.accountId, order.amount],
      );
      return { transferId: transfer.rows[0]!.id, amount: order.amount };
    } catch (error) {
      if (pgConstraint(error) === 'transfers_external_key') {
        throw new DomainError('CONFLICT', `order ${order.id} was already refunded`);
      }
      throw error;
    }
  });
}
