/**
 * The expiry sweep: open orders whose window ended (and its grace, EXPIRY_GRACE_SECONDS). Without any
 * SMS they EXPIRE (hold voided, nothing paid, provider told to cancel); with an SMS they COMPLETE
 * (EXPIRED means "no SMS"). Provider-side actions still owed are retried here too.
 */
import { withTransaction } from '../platform/db.ts';
import { EXPIRY_GRACE_SECONDS, isOpen } from './order.ts';
import { lockOrder, transitionOrder } from './order-lifecycle.ts';
import type { OrdersContext } from './orders-context.ts';
import { settleProviderAction } from './settle-provider-action.ts';

const BATCH = 200;

async function expireOne(
  ctx: OrdersContext,
  orderId: number,
  until: Date,
): Promise<'expired' | 'completed' | 'skipped'> {
  return withTransaction(ctx, async (tx) => {
    const order = await lockOrder({ ctx: tx, input: { orderId, includeHidden: true } });
    if (!isOpen(order.status) || !order.expiresAt || order.expiresAt > until) return 'skipped';
    // EXPIRED means "no SMS": an order with one completes instead.
    const kind = order.smsRevision > 0 ? 'complete' : 'expire';
    await transitionOrder({ ctx: tx, input: { order, move: { kind } } });
    return kind === 'complete' ? 'completed' : 'expired';
  });
}

export async function expireOrders({
  ctx,
}: {
  ctx: OrdersContext;
}): Promise<{ expired: number; completed: number }> {
  const now = ctx.clock.now();
  const until = new Date(now.getTime() - EXPIRY_GRACE_SECONDS * 1000);
  const due = await ctx.db.query<{ id: number }>(
    `SELECT id FROM orders WHERE status IN ('ACTIVE', 'OTP_RECEIVED') AND expires_at <= $1 ORDER BY expires_at LIMIT $2`,
    [until, BATCH],
  );
  const counts = { expired: 0, completed: 0 };
  for (const { id } of due.rows) {
    const outcome = await expireOne(ctx, id, until);
    if (outcome !== 'skipped') counts[outcome]++;
  }
  const owed = await ctx.db.query<{ id: number }>(
    `SELECT id FROM orders WHERE provider_action IS NOT NULL ORDER BY id LIMIT $1`,
    [BATCH],
  );
  for (const { id } of owed.rows) await settleProviderAction({ ctx, input: { orderId: id } });
  return counts;
}
