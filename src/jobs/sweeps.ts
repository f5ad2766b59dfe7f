/**
 * Time-driven domain sweeps. The truth lives in domain tables (orders.expires_at, provisioning orders,
 * idempotency keys); each sweep re-derives what must happen, so a missed tick only delays it.
 * Across worker processes a sweep runs once at a time (a PostgreSQL advisory lock per sweep), and a tick
 * never overlaps the previous one of the same sweep.
 */
import { reapIdempotencyKeys } from '../idempotency/idempotency-key.ts';
import { checkLedger } from '../ledger/check-ledger.ts';
import { expireOrders } from '../orders/expire-orders.ts';
import { pollProviderSms } from '../orders/poll-provider-sms.ts';
import { reconcileProvisioning } from '../orders/reconcile-provisioning.ts';
import { reconcileUpstream } from '../orders/reconcile-upstream.ts';
import type { AppContext } from '../platform/context.ts';
import { purgeExpiredData } from '../retention/purge-expired-data.ts';

export interface Sweep {
  name: string;
  everyMs: number;
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
  { name: 'upstream-orphans', everyMs: 60_000, run: (ctx) => reconcileUpstream({ ctx }) },
  { name: 'idempotency-reaper', everyMs: 3_600_000, run: (ctx) => reapIdempotencyKeys({ ctx }) },
  { name: 'retention', everyMs: 3_600_000, run: (ctx) => purgeExpiredData({ ctx }) },
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

const LOCK_BASE = 727_100; // advisory lock ids 727100+ belong to the sweeps

/** Runs one tick of a sweep if no other process is running it; false when skipped. */
export async function runSweepOnce(ctx: AppContext, sweep: Sweep): Promise<boolean> {
  const client = await ctx.pool.connect();
  const lock = LOCK_BASE + SWEEPS.indexOf(sweep);
  try {
    const got = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [lock]);
    if (!got.rows[0]?.ok) return false;
    try {
      await sweep.run(ctx);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [lock]);
    }
    return true;
  } finally {
    client.release();
  }
}

export function startSweeps(ctx: AppContext, sweeps: Sweep[] = SWEEPS): () => Promise<void> {
  let stopping = false;
  const running = new Set<Promise<unknown>>();
  const timers = sweeps.map((sweep) => {
    let busy = false;
    const timer = setInterval(() => {
      if (busy || stopping) return;
      busy = true;
      const tick = runSweepOnce(ctx, sweep)
        .catch((error: unknown) => ctx.log.warn({ err: error, sweep: sweep.name }, 'sweep failed'))
        .finally(() => {
          busy = false;
          running.delete(tick);
        });
      running.add(tick);
    }, sweep.everyMs);
    timer.unref();
    return timer;
  });
  return async () => {
    stopping = true;
    for (const timer of timers) clearInterval(timer);
    await Promise.allSettled([...running]);
  };
}
