/**
 * Resend: ask the provider for another SMS on the same number. The order goes back to ACTIVE, keeps its
 * last code (clients wait for a higher sms_revision), and a new cooldown starts. Cancel stays closed:
 * an SMS already arrived.
 */
import type { AppContext } from '../platform/context.ts';
import { withTransaction } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import { getProvider } from '../providers/list-providers.ts';
import { capabilities } from './capabilities.ts';
import { loadOrder } from './load-order.ts';
import { isOpen } from './order.ts';
import { announceOrderChange } from './order-cache.ts';

export async function resendOrder({
  ctx,
  input,
}: {
  ctx: AppContext;
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
    const locked = await loadOrder({ ctx: tx, input: { orderId: order.id, lock: true } });
    if (!isOpen(locked.status)) {
      throw new DomainError('CONFLICT', 'the order closed meanwhile');
    }
    await tx.db.query(
      `UPDATE orders SET status = 'ACTIVE', resend_count = resend_count + 1,
         resend_available_at = $2::timestamptz + make_interval(secs => $3) WHERE id = $1`,
      [locked.id, now, ctx.config.orders.resendCooldownSeconds],
    );
    announceOrderChange(tx, locked.id);
    return { orderId: locked.id, status: 'ACTIVE', resent: true };
  });
}
