/**
 * Orders stuck in PROVISIONING (the process died between placing the hold and hearing from the provider)
 * are released: hold voided, order FAILED. A provider that did hand out a number in that window is
 * cleaned up by the upstream sweep (reconcile-upstream.ts).
 */

import type { OrdersContext } from './orders-context.ts';
import { failProvisioning } from './provision-order.ts';

/** Older than any live provisioning run can be: the create timeout (the idempotency lock) and a minute. */
export const stuckAfterSeconds = (config: OrdersContext['config']) => config.orders.createTimeoutSeconds + 60;

export function releaseProvisioningOrder({
  ctx,
  input,
}: {
  ctx: OrdersContext;
  input: { orderId: number };
}): Promise<boolean> {
  return failProvisioning({ ctx, input: { orderId: input.orderId, reason: 'Interrupted' } });
}

export async function reconcileProvisioning({ ctx }: { ctx: OrdersContext }): Promise<number> {
  const stuck = await ctx.db.query<{ id: number }>(
    `SELECT id FROM orders WHERE status = 'PROVISIONING' AND created_at < $1::timestamptz - make_interval(secs => $2)
     ORDER BY created_at LIMIT 500`,
    [ctx.clock.now(), stuckAfterSeconds(ctx.config)],
  );
  let released = 0;
  for (const { id } of stuck.rows) {
    if (await releaseProvisioningOrder({ ctx, input: { orderId: id } })) released++;
  }
  if (released > 0) ctx.log.warn({ released }, 'released orders interrupted during provisioning');
  return released;
}
