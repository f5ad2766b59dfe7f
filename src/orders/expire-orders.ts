/**
 * The expiry sweep: open orders whose window ended. Without any SMS they EXPIRE (hold voided, nothing
 * paid, provider told to cancel); with an SMS they COMPLETE (EXPIRED means "no SMS"). Provider-side
 * actions still owed are retried here too.
 */
import { voidHold } from '../ledger/resolve-hold.ts';
import type { AppContext } from '../platform/context.ts';
import { withTransaction } from '../platform/db.ts';
import { recordDeliveryOutcome } from '../providers/delivery-stats.ts';
import { completeOrder } from './finish-order.ts';
import { loadOrder } from './load-order.ts';
import { isOpen } from './order.ts';
import { recordOrderEvent } from './order-events.ts';
import { settleProviderAction } from './settle-provider-action.ts';

const BATCH = 200;

async function expireOne(
  ctx: AppContext,
  orderId: number,
  now: Date,
): Promise<'expired' | 'completed' | 'skipped'> {
  return withTransaction(ctx, async (tx) => {
    const order = await loadOrder({ ctx: tx, input: { orderId, lock: true } });
    if (!isOpen(order.status) || !order.expiresAt || order.expiresAt > now) return 'skipped';
    if (order.smsRevision > 0) {
      await completeOrder(tx, order.id, now);
      return 'completed';
    }
    await voidHold({ ctx: tx, input: { holdId: order.holdTransferId! } });
    await tx.db.query(
      `UPDATE orders SET status = 'EXPIRED', failed_reason = 'NoSms', provider_action = 'cancel' WHERE id = $1`,
      [order.id],
    );
    const expired = await loadOrder({ ctx: tx, input: { orderId: order.id } });
    await recordOrderEvent({ ctx: tx, input: { order: expired, event: 'order.expired', now } });
    await recordDeliveryOutcome({
      ctx: tx,
      input: {
        providerId: order.providerId!,
        countryId: order.countryId,
        platformId: order.platformId,
        delivered: false,
      },
    });
    return 'expired';
  });
}

export async function expireOrders({
  ctx,
}: {
  ctx: AppContext;
}): Promise<{ expired: number; completed: number }> {
  const now = ctx.clock.now();
  const due = await ctx.db.query<{ id: number }>(
    `SELECT id FROM orders WHERE status IN ('ACTIVE', 'OTP_RECEIVED') AND expires_at <= $1 ORDER BY expires_at LIMIT $2`,
    [now, BATCH],
  );
  const counts = { expired: 0, completed: 0 };
  for (const { id } of due.rows) {
    const outcome = await expireOne(ctx, id, now);
    if (outcome !== 'skipped') counts[outcome]++;
  }
  const owed = await ctx.db.query<{ id: number }>(
    `SELECT id FROM orders WHERE provider_action IS NOT NULL ORDER BY id LIMIT $1`,
    [BATCH],
  );
  for (const { id } of owed.rows) await settleProviderAction({ ctx, input: { orderId: id } });
  return counts;
}
