/**
 * Finish: the customer is done with a number that received an SMS. The order completes locally at once;
 * the provider is told, and if it cannot be reached the finish stays owed (provider_action) and the
 * expiry sweep retries it.
 */
import { withTransaction } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import { capabilities } from './capabilities.ts';
import { lockOrder, transitionOrder } from './order-lifecycle.ts';
import type { OrdersContext } from './orders-context.ts';
import { settleProviderAction } from './settle-provider-action.ts';

export async function finishOrder({
  ctx,
  input,
}: {
  ctx: OrdersContext;
  input: { accountId: number; orderId: number };
}): Promise<{ orderId: number; status: 'COMPLETED' }> {
  const now = ctx.clock.now();
  const completed = await withTransaction(ctx, async (tx) => {
    const order = await lockOrder({ ctx: tx, input: { orderId: input.orderId, accountId: input.accountId } });
    if (!capabilities(order, now).canFinish) {
      throw new DomainError('CONFLICT', 'only an open order that received an SMS can be finished');
    }
    return transitionOrder({ ctx: tx, input: { order, move: { kind: 'complete' } } });
  });
  await settleProviderAction({ ctx, input: { orderId: completed.id } });
  return { orderId: completed.id, status: 'COMPLETED' };
}
