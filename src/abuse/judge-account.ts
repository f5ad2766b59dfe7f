import type { AbuseBan } from './abuse-ban.ts';
import type { AbuseContext } from './abuse-context.ts';
import { placeAbuseBan } from './place-abuse-ban.ts';
import { recentOrders } from './recent-orders.ts';

/**
 * Judges an account after one of its orders ended without an SMS (order-lifecycle.ts calls it in that
 * move's transaction, so the ending order counts): with at least minOrders in the window and a failed
 * share of at least failureRate, the account is banned. Only a failure can push the share up, so a
 * completed order is never judged. Answers the ban placed, if any.
 */
export async function judgeAccount({
  ctx,
  input,
}: {
  ctx: AbuseContext;
  input: { accountId: number };
}): Promise<AbuseBan | null> {
  const guard = ctx.config.abuseGuard;
  if (!guard.enabled) return null;
  const now = ctx.clock.now();
  const { banInForce, ...window } = await recentOrders(ctx.db, {
    accountId: input.accountId,
    now,
    windowOrders: guard.windowOrders,
  });
  // Orders ending during a ban do not count towards the next one.
  if (banInForce) return null;
  if (window.orders < guard.minOrders || window.failureRate < guard.failureRate) return null;
  return placeAbuseBan({
    ctx,
    input: {
      accountId: input.accountId,
      reason: {
        ...window,
        thresholds: {
          windowOrders: guard.windowOrders,
          minOrders: guard.minOrders,
          failureRate: guard.failureRate,
        },
      },
    },
  });
}
