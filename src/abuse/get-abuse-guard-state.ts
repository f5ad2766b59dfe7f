import { findAccount } from '../accounts/find-account.ts';
import { banInForce, retryAfterSeconds } from './abuse-ban.ts';
import type { AbuseContext } from './abuse-context.ts';
import { type RecentOrders, recentOrders } from './recent-orders.ts';

export interface AbuseGuardState {
  banned: boolean;
  until: Date | null;
  tier: number | null;
  retryAfterSeconds: number;
  /** While banned: the window that tripped the ban; otherwise the window the next judgment sees. */
  recent: RecentOrders;
  thresholds: {
    enabled: boolean;
    windowOrders: number;
    minOrders: number;
    failureRate: number;
    banMinutes: number;
  };
}

/**
 * Where an account stands with the guard (NOT_FOUND for an unknown account). Read-only; the surface says
 * whose account: the caller's own, or an operator's pick.
 */
export async function getAbuseGuardState({
  ctx,
  input,
}: {
  ctx: AbuseContext;
  input: { accountId: number };
}): Promise<AbuseGuardState> {
  await findAccount({ ctx, input: { ref: String(input.accountId) } });
  const guard = ctx.config.abuseGuard;
  const thresholds = {
    enabled: guard.enabled,
    windowOrders: guard.windowOrders,
    minOrders: guard.minOrders,
    failureRate: guard.failureRate,
    banMinutes: guard.banMinutes,
  };
  const now = ctx.clock.now();
  // A switched-off guard blocks nobody, whatever bans are on record.
  const ban = guard.enabled ? await banInForce(ctx.db, input.accountId, now) : null;
  if (ban) {
    const { orders, failed, failureRate } = ban.reason;
    return {
      banned: true,
      until: ban.until,
      tier: ban.tier,
      retryAfterSeconds: retryAfterSeconds(ban.until, now),
      recent: { orders, failed, failureRate },
      thresholds,
    };
  }
  const { orders, failed, failureRate } = await recentOrders(ctx.db, {
    accountId: input.accountId,
    now,
    windowOrders: guard.windowOrders,
  });
  return {
    banned: false,
    until: null,
    tier: null,
    retryAfterSeconds: 0,
    recent: { orders, failed, failureRate },
    thresholds,
  };
}
