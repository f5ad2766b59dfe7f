/**
 * Resend: ask the provider for another SMS on the same number. The order goes back to ACTIVE, keeps its
 * last code (clients wait for a higher sms_revision), and a new cooldown starts. Cancel stays closed:
 * an SMS already arrived.
 */
import { withTransaction } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import { getProvider } from '../providers/list-providers.ts';
import { capabilities } from './capabilities.ts';
import { loadOrder } from './load-order.ts';
import { canMove, lockOrder, transitionOrder } from './order-lifecycle.ts';
import type { OrdersContext } from './orders-context.ts';

export async function resendOrder({
  ctx,
  input,
}: {
  ctx: OrdersContext;
  input: { accountId: number; orderId: number };
}): Promise<{ orderId: number; status: 'ACTIVE'; resent: boolean }> {
  const now = ctx.clock.now();
  const order = await loadOrder({ ctx, input: { orderId: input.orderId, accountId: input.accountId } });
  if (!capabilities(order, now).canResend) throw new DomainError('CONFLICT', 'a resend is not possible now');

  const adapter = await ctx.upstreams.adapterFor(
    ctx,
    await getProvider({ ctx, input: { ref: order.providerId! } }),
  );
  try {
    await adapter.requestAnotherSms(order.providerRef!);
  } catch (error) {
    throw new DomainError('CONFLICT', `the provider refused another SMS: ${(error as Error).message}`);
  }
  return withTransaction(ctx, async (tx) => {
    const locked = await lockOrder({ ctx: tx, input: { orderId: order.id } });
    if (!canMove(locked, 'resend')) throw new DomainError('CONFLICT', 'the order closed meanwhile');
    await transitionOrder({ ctx: tx, input: { order: locked, move: { kind: 'resend' } } });
    return { orderId: locked.id, status: 'ACTIVE', resent: true };
  });
}
