import type { DbContext } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import { ORDER_SELECT, type OrderRecord } from './order.ts';

/**
 * One order of one account, optionally locked for update. Another account's order, or one that is not
 * visible (provisioning, failed), is NOT_FOUND: no one learns that an id exists.
 */
export async function loadOrder({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { orderId: number; accountId?: number; lock?: boolean; includeHidden?: boolean };
}): Promise<OrderRecord> {
  // Prepared (one name per variant): every mutation of an order starts here.
  const result = await ctx.db.query<OrderRecord>({
    name: input.lock ? 'orders.load-locked' : 'orders.load',
    text: `${ORDER_SELECT} WHERE o.id = $1 AND ($2::bigint IS NULL OR o.account_id = $2)
     ${input.lock ? 'FOR UPDATE OF o' : ''}`,
    values: [input.orderId, input.accountId ?? null],
  });
  const order = result.rows[0];
  if (!order || (!input.includeHidden && (order.status === 'PROVISIONING' || order.status === 'FAILED'))) {
    throw new DomainError('NOT_FOUND', `no order ${input.orderId}`);
  }
  return order;
}
