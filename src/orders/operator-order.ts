/** One order of any account, as an operator sees it: every status, and its manual refund if it has one. */
import type { DbContext } from '../platform/db.ts';
import { loadOrder } from './load-order.ts';
import type { OrderRecord } from './order.ts';

export interface OrderRefund {
  transferId: number;
  amount: number;
  memo: string | null;
  at: Date;
}

export async function getOperatorOrder({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { orderId: number };
}): Promise<{ order: OrderRecord; refund: OrderRefund | null }> {
  const order = await loadOrder({ ctx, input: { orderId: input.orderId, includeHidden: true } });
  const refund = await ctx.db.query<OrderRefund>(
    `SELECT id AS "transferId", amount, memo, created_at AS at FROM transfers
     WHERE code = 'order_refund' AND external_id = $1`,
    [`order:${order.id}`],
  );
  return { order, refund: refund.rows[0] ?? null };
}
