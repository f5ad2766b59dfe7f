/**
 * Finish: the customer is done with a number that received an SMS. The order completes locally at once;
 * the provider is told, and if it cannot be reached the finish stays owed (provider_action) and the
 * expiry sweep retries it.
 */
import type { AppContext } from '../platform/context.ts';
import { withTransaction } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import { capabilities } from './capabilities.ts';
import { loadOrder } from './load-order.ts';
import type { OrderRecord } from './order.ts';
import { recordOrderEvent } from './order-events.ts';
import { settleProviderAction } from './settle-provider-action.ts';

/** Completes an open order that has SMS evidence (also used by the expiry sweep). */
export async function completeOrder(ctx: AppContext, orderId: number, now: Date): Promise<OrderRecord> {
  return withTransaction(ctx, async (tx) => {
    await tx.db.query(
      `UPDATE orders SET status = 'COMPLETED', completed_at = $2, provider_action = 'finish' WHERE id = $1`,
      [orderId, now],
    );
    const completed = await loadOrder({ ctx: tx, input: { orderId } });
    await recordOrderEvent({ ctx: tx, input: { order: completed, event: 'order.completed', now } });
    return completed;
  });
}

export async function finishOrder({
  ctx,
  input,
}: {
  ctx: AppContext;
  input: { accountId: number; orderId: number };
}): Promise<{ orderId: number; status: 'COMPLETED' }> {
  const now = ctx.clock.now();
  const completed = await withTransaction(ctx, async (tx) => {
    const order = await loadOrder({
      ctx: tx,
      input: { orderId: input.orderId, accountId: input.accountId, lock: true },
    });
    if (!capabilities(order, now).canFinish) {
      throw new DomainError('CONFLICT', 'only an open order that received an SMS can be finished');
    }
    return completeOrder(tx, order.id, now);
  });
  await settleProviderAction({ ctx, input: { orderId: completed.id } });
  return { orderId: completed.id, status: 'COMPLETED' };
}
