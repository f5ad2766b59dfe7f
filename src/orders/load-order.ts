import type { DbContext } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import { ORDER_SELECT, type OrderRecord } from './order.ts';

// Prepared once per connection: planning the five-table join took 0.47 ms against 0.08 ms to run it
// (EXPLAIN ANALYZE); named, one connection reads 3.5–3.8k orders/s instead of 0.6–0.8k, ten 2.9–7.9k
// instead of 1.5–2.2k. The generic plan PostgreSQL settles on is the same primary-key lookup.
const LOAD = `${ORDER_SELECT} WHERE o.id = $1 AND ($2::bigint IS NULL OR o.account_id = $2)`;
const LOAD_LOCKED = `${LOAD} FOR UPDATE OF o`;

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
  const result = await ctx.db.query<OrderRecord>(
    input.lock
      ? { name: 'orders.load-locked', text: LOAD_LOCKED, values: [input.orderId, input.accountId ?? null] }
      : { name: 'orders.load', text: LOAD, values: [input.orderId, input.accountId ?? null] },
  );
  const order = result.rows[0];
  if (!order || (!input.includeHidden && (order.status === 'PROVISIONING' || order.status === 'FAILED'))) {
    throw new DomainError('NOT_FOUND', `no order ${input.orderId}`);
  }
  return order;
}
