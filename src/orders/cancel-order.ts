/**
 * Cancel: an ACTIVE order with no SMS, past the min-cancel window. The provider is told first; only when
 * it agrees (or no longer knows the activation) is the hold voided — so a failed provider cancel leaves
 * the order ACTIVE and safe to retry. The order row is locked for the local change, and an SMS that won
 * the race turns the cancel into CONFLICT instead of a refund.
 */
import { getBalance } from '../ledger/get-balance.ts';
import { withTransaction } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import { getProvider } from '../providers/list-providers.ts';
import { ProviderError } from '../providers/port.ts';
import { capabilities } from './capabilities.ts';
import { loadOrder } from './load-order.ts';
import type { OrderRecord } from './order.ts';
import { canMove, lockOrder, transitionOrder } from './order-lifecycle.ts';
import type { OrdersContext } from './orders-context.ts';

export interface CancelResult {
  orderId: number;
  status: 'CANCELED';
  refundAmount: number;
  newBalance: number;
}

function assertCancelable(order: OrderRecord, now: Date): void {
  if (order.status !== 'ACTIVE' || order.smsRevision > 0) {
    throw new DomainError('CONFLICT', 'this order cannot be canceled (an SMS arrived or it is closed)');
  }
  if (!capabilities(order, now).canCancel) {
    throw new DomainError(
      'CANCEL_TOO_EARLY',
      `cancel is possible from ${order.cancelAvailableAt?.toISOString()}`,
    );
  }
}

async function assertUnderDailyCap(ctx: OrdersContext, accountId: number, now: Date): Promise<void> {
  const today = await ctx.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM orders WHERE account_id = $1 AND status = 'CANCELED'
       AND canceled_at > $2::timestamptz - interval '1 day'`,
    [accountId, now],
  );
  if (today.rows[0]!.n >= ctx.config.orders.dailyCancelLimit) {
    throw new DomainError('RATE_LIMIT_EXCEEDED', 'daily cancel limit reached', { retry_after_seconds: 3600 });
  }
}

export async function cancelOrder({
  ctx,
  input,
}: {
  ctx: OrdersContext;
  input: { accountId: number; orderId: number };
}): Promise<CancelResult> {
  const now = ctx.clock.now();
  const order = await loadOrder({ ctx, input: { orderId: input.orderId, accountId: input.accountId } });
  assertCancelable(order, now);
  await assertUnderDailyCap(ctx, input.accountId, now);

  const provider = await getProvider({ ctx, input: { ref: order.providerId! } });
  const adapter = await ctx.upstreams.adapterFor(ctx, provider);
  try {
    await adapter.cancel(order.providerRef!);
  } catch (error) {
    // Already gone upstream (expired there): nothing left to release at the provider.
    const gone = error instanceof ProviderError && error.kind === 'NOT_FOUND';
    if (!gone) {
      if (error instanceof ProviderError && error.kind === 'EARLY_CANCEL') {
        throw new DomainError('CANCEL_TOO_EARLY', 'the provider does not allow canceling this number yet');
      }
      throw new DomainError('PROVIDER_ERROR', `the provider did not cancel: ${(error as Error).message}`);
    }
  }

  return withTransaction(ctx, async (tx) => {
    const locked = await lockOrder({ ctx: tx, input: { orderId: order.id } });
    if (!canMove(locked, 'cancel'))
      throw new DomainError('CONFLICT', 'an SMS arrived before the cancel completed');
    await transitionOrder({ ctx: tx, input: { order: locked, move: { kind: 'cancel' } } });
    const balance = await getBalance({ ctx: tx, input: { accountId: input.accountId } });
    return {
      orderId: locked.id,
      status: 'CANCELED',
      refundAmount: locked.amount,
      newBalance: balance.available,
    };
  });
}
