/**
 * Leases: "one process at a time runs this" (a sweep tick, a provider's sync) without keeping a database
 * connection checked out for the run.
 *
 * A session advisory lock would do it too, but it lives on one connection, which then stays out of the
 * pool for the whole run — across provider and webhook HTTP calls — and a burst of slow upstreams starves
 * everyone else of connections. A lease is a row instead (migrations/0007_leases.sql): taken by one atomic
 * upsert that succeeds only while the row is free or expired, renewed by the holder every third of its ttl,
 * deleted when the run ends. Each of those is a single short statement. A holder that dies (or stalls past
 * its ttl) stops renewing, and the lease lapses, so the work is never blocked for good; the work guarded by
 * a lease is safe to repeat, which is what makes a lapsed lease harmless.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DbContext } from './db.ts';
import type { Logger } from './logger.ts';

export interface LeaseOptions {
  /** How long the lease outlives its last renewal. */
  ttlMs: number;
  /** How long to wait for a lease someone else holds; 0 (the default) gives up at once. */
  waitMs?: number;
  log?: Logger | undefined;
}

async function tryTake(ctx: DbContext, name: string, holder: string, ttlMs: number): Promise<boolean> {
  const taken = await ctx.pool.query(
    `INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))
     ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE leases.expires_at <= now()
     RETURNING holder`,
    [name, holder, ttlMs / 1000],
  );
  return (taken.rowCount ?? 0) > 0;
}

/**
 * Runs fn while holding the named lease: `{ ran: true, value }`, or `{ ran: false }` when another holder
 * kept it for longer than waitMs.
 */
export async function withLease<T>(
  ctx: DbContext,
  name: string,
  options: LeaseOptions,
  fn: () => Promise<T>,
): Promise<{ ran: true; value: T } | { ran: false }> {
  const holder = randomUUID();
  const deadline = Date.now() + (options.waitMs ?? 0);
  for (let delay = 50; !(await tryTake(ctx, name, holder, options.ttlMs)); delay = Math.min(delay * 2, 250)) {
    if (Date.now() + delay > deadline) return { ran: false };
    await sleep(delay);
  }

  const renewal = setInterval(() => {
    ctx.pool
      .query(
        'UPDATE leases SET expires_at = now() + make_interval(secs => $3) WHERE name = $1 AND holder = $2',
        [name, holder, options.ttlMs / 1000],
      )
      .then((renewed) => {
        if (renewed.rowCount === 0)
          options.log?.warn({ lease: name }, 'lease lapsed while its work was running');
      })
      .catch((error: unknown) => options.log?.warn({ err: error, lease: name }, 'lease renewal failed'));
  }, options.ttlMs / 3);
  renewal.unref();
  try {
    return { ran: true, value: await fn() };
  } finally {
    clearInterval(renewal);
    await ctx.pool
      .query('DELETE FROM leases WHERE name = $1 AND holder = $2', [name, holder])
      .catch((error: unknown) => options.log?.warn({ err: error, lease: name }, 'lease release failed'));
  }
}
