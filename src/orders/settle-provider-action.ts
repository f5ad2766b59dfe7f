/**
 * Keeps the provider in step after a local state change: a finish (or cancel) the provider still owes
 * is sent and cleared. Failures leave it owed; the sweep retries. Never affects money.
 */
import { getProvider } from '../providers/list-providers.ts';
import { ProviderError } from '../providers/port.ts';
import type { OrdersContext } from './orders-context.ts';

export async function settleProviderAction({
  ctx,
  input,
}: {
  ctx: OrdersContext;
  input: { orderId: number };
}): Promise<boolean> {
  const owed = await ctx.db.query<{
    provider_id: number;
    provider_ref: string;
    provider_action: 'finish' | 'cancel';
    recycled: boolean;
  }>(
    `SELECT provider_id, provider_ref, provider_action,
       EXISTS (SELECT 1 FROM orders n WHERE n.provider_id = o.provider_id AND n.provider_ref = o.provider_ref
         AND n.id <> o.id AND n.status IN ('ACTIVE', 'OTP_RECEIVED')) AS recycled
     FROM orders o WHERE id = $1 AND provider_action IS NOT NULL`,
    [input.orderId],
  );
  const row = owed.rows[0];
  if (!row) return true;
  // The provider handed this activation id to a newer open order: it forgot the old activation, and a
  // finish or cancel now would close the new one.
  if (row.recycled) return clearAction(ctx, input.orderId, row.provider_action);
  try {
    const adapter = await ctx.upstreams.adapterFor(
      ctx,
      await getProvider({ ctx, input: { ref: row.provider_id } }),
    );
    if (row.provider_action === 'finish') await adapter.finish(row.provider_ref);
    else await adapter.cancel(row.provider_ref);
  } catch (error) {
    // NOT_FOUND / CONFLICT: the provider already closed it; anything else is retried later.
    const closed =
      error instanceof ProviderError && (error.kind === 'NOT_FOUND' || error.kind === 'CONFLICT');
    if (!closed) {
      ctx.log.info({ orderId: input.orderId, err: (error as Error).message }, 'provider action still owed');
      return false;
    }
  }
  return clearAction(ctx, input.orderId, row.provider_action);
}

async function clearAction(ctx: OrdersContext, orderId: number, action: 'finish' | 'cancel'): Promise<true> {
  await ctx.db.query('UPDATE orders SET provider_action = NULL WHERE id = $1 AND provider_action = $2', [
    orderId,
    action,
  ]);
  return true;
}
