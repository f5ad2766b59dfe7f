/**
 * Time-driven domain sweeps. The truth lives in domain tables (orders.expires_at, provisioning orders,
 * idempotency keys); each sweep re-derives what must happen, so a missed tick only delays it.
 * Across worker processes a sweep runs once at a time, and a tick never overlaps the previous one of the
 * same sweep. The cross-process guard is a lease row per sweep (platform/lease.ts), not a session advisory
 * lock: a tick calls providers over HTTP, and an advisory lock would keep one pooled connection checked out
 * for the whole tick. A tick whose process dies frees its sweep once the lease expires.
 */
import type { AppContext } from '../app-context.ts';
import { reapIdempotencyKeys } from '../idempotency/idempotency-key.ts';
import { checkLedger } from '../ledger/check-ledger.ts';
import { expireOrders } from '../orders/expire-orders.ts';
import { pollProviderSms } from '../orders/poll-provider-sms.ts';
import { reconcileProvisioning } from '../orders/reconcile-provisioning.ts';
import { reconcileUpstream } from '../orders/reconcile-upstream.ts';
import { reconcileTopups } from '../payments/reconcile-topups.ts';
import { withLease } from '../platform/lease.ts';
import { purgeExpiredData } from '../retention/purge-expired-data.ts';

export interface Sweep {
  name: string;
  /** The pace; a function when it follows the configuration. */
  everyMs: number | ((config: AppContext['config']) => number);
  run(ctx: AppContext): Promise<unknown>;
}

export const SWEEPS: Sweep[] = [
  { name: 'sms-poll', everyMs: 2_000, run: (ctx) => pollProviderSms({ ctx }) },
  {
    name: 'order-expiry',
    everyMs: 5_000,
    run: async (ctx) => {
      await reconcileProvisioning({ ctx });
      return expireOrders({ ctx });
    },
  },
  {
    name: 'upstream-orphans',
    // Twice per grace period, at most once a minute: an orphan waits little more than its grace.
    everyMs: (config) => Math.min(60_000, (config.orders.orphanGraceSeconds * 1000) / 2),
    run: (ctx) => reconcileUpstream({ ctx }),
  },
  { name: 'idempotency-reaper', everyMs: 3_600_000, run: (ctx) => reapIdempotencyKeys({ ctx }) },
  { name: 'retention', everyMs: 3_600_000, run: (ctx) => purgeExpiredData({ ctx }) },
  { name: 'topup-reconcile', everyMs: 60_000, run: (ctx) => reconcileTopups({ ctx }) },
  {
    name: 'ledger-check',
    everyMs: 600_000,
    run: async (ctx) => {
      const violations = await checkLedger({ ctx });
      if (violations.length > 0)
        ctx.log.error(
          { count: violations.length, violations: violations.slice(0, 20) },
          'ledger invariants violated',
        );
      return violations;
    },
  },
];

/**
 * A sweep's lease outlives a renewal (every third of it) by a wide margin, and is sized to the sweep's
 * own pace: a dead holder's sweep resumes after this, so a 2-second poll is not held up for a minute.
 */
export function sweepLeaseMs(sweep: Sweep, config: AppContext['config']): number {
  return Math.min(Math.max(3 * sweepPace(sweep, config), 10_000), 600_000);
}

export function sweepPace(sweep: Sweep, config: AppContext['config']): number {
  return typeof sweep.everyMs === 'number' ? sweep.everyMs : sweep.everyMs(config);
}

/** Runs one tick of a sweep if no other process is running it; false when skipped. */
export async function runSweepOnce(ctx: AppContext, sweep: Sweep): Promise<boolean> {
  const tick = await withLease(
    ctx,
    `sweep:${sweep.name}`,
    { ttlMs: sweepLeaseMs(sweep, ctx.config), log: ctx.log },
    () => sweep.run(ctx),
  );
  return tick.ran;
}

export function startSweeps(ctx: AppContext, sweeps: Sweep[] = SWEEPS): () => Promise<void> {
  let stopping = false;
  const running = new Set<Promise<unknown>>();
  const timers = sweeps.map((sweep) => {
    let busy = false;
    const timer = setInterval(
      () => {
        if (busy || stopping) return;
        busy = true;
        const tick = runSweepOnce(ctx, sweep)
          .catch((error: unknown) => ctx.log.warn({ err: error, sweep: sweep.name }, 'sweep failed'))
          .finally(() => {
            busy = false;
            running.delete(tick);
          });
        running.add(tick);
      },
      sweepPace(sweep, ctx.config),
    );
    timer.unref();
    return timer;
  });
  return async () => {
    stopping = true;
    for (const timer of timers) clearInterval(timer);
    await Promise.allSettled([...running]);
  };
}
