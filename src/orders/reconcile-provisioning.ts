/**
 * Orders stuck in PROVISIONING (the process died between placing the hold and hearing from the provider)
 * are released: hold voided, order FAILED. A provider that did hand out a number in that window is
 * cleaned up by the upstream sweep (reconcile-upstream.ts).
 */

import { LOCK_SECONDS } from '../idempotency/idempotency-key.ts';
import { voidHold } from '../ledger/resolve-hold.ts';
import type { AppContext } from '../platform/context.ts';
import type { DbContext } from '../platform/db.ts';
import { withTransaction } from '../platform/db.ts';

/** Older than any live provisioning run can be (see the idempotency lock). */
export const STUCK_AFTER_SECONDS = LOCK_SECONDS + 60;

export async function releaseProvisioningOrder({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { orderId: number };
}): Promise<boolean> {
  return withTransaction(ctx, async (tx) => {
    const order = await tx.db.query<{ hold_transfer_id: number | null }>(
      `SELECT hold_transfer_id FROM orders WHERE id = $1 AND status = 'PROVISIONING' FOR UPDATE`,
      [input.orderId],
    );
    const row = order.rows[0];
    if (!row) return false;
    if (row.hold_transfer_id !== null) await voidHold({ ctx: tx, input: { holdId: row.hold_transfer_id } });
    await tx.db.query(`UPDATE orders SET status = 'FAILED', failed_reason = 'Interrupted' WHERE id = $1`, [
      input.orderId,
    ]);
    return true;
  });
}

export async function reconcileProvisioning({ ctx }: { ctx: AppContext }): Promise<number> {
  const stuck = await ctx.db.query<{ id: number }>(
    `SELECT id FROM orders WHERE status = 'PROVISIONING' AND created_at < $1::timestamptz - make_interval(secs => $2)
     ORDER BY created_at LIMIT 500`,
    [ctx.clock.now(), STUCK_AFTER_SECONDS],
  );
  let released = 0;
  for (const { id } of stuck.rows) {
    if (await releaseProvisioningOrder({ ctx, input: { orderId: id } })) released++;
  }
  if (released > 0) ctx.log.warn({ released }, 'released orders interrupted during provisioning');
  return released;
}
