/**
 * Background work on pg-boss (jobs in PostgreSQL: retries, crash recovery, one queue shared by every
 * worker process). Each worker enqueues the periodic work it knows about; queue policies collapse the
 * duplicates that several workers enqueue, so running more workers never multiplies the work.
 *
 * SIGTERM: stop() lets active jobs finish (bounded) before returning. SIGKILL: jobs that were active are
 * retried by pg-boss after their expiry, and every job here is safe to run twice.
 */
import { PgBoss } from 'pg-boss';
import type { AppContext } from '../platform/context.ts';
import { enqueueProviderSyncs, PROVIDER_SYNC_QUEUE, runProviderSync } from './provider-sync-job.ts';
import { startSweeps } from './sweeps.ts';

export interface JobRunner {
  boss: PgBoss;
  /** Enqueues a sync of every enabled provider now. */
  syncAllProviders(): Promise<void>;
  stop(): Promise<void>;
}

export async function startJobs(ctx: AppContext, databaseUrl: string): Promise<JobRunner> {
  const boss = new PgBoss({
    connectionString: databaseUrl,
    schema: 'pgboss',
    application_name: 'numpool-jobs',
  });
  boss.on('error', (error) => ctx.log.warn({ err: error }, 'job queue error'));
  await boss.start();
  await boss.createQueue(PROVIDER_SYNC_QUEUE, { policy: 'exclusive', retryLimit: 1, expireInSeconds: 300 });
  await boss.work<{ providerId: number }>(PROVIDER_SYNC_QUEUE, { batchSize: 1 }, async ([job]) => {
    if (job) await runProviderSync(ctx, job.data);
  });

  const syncAllProviders = () => enqueueProviderSyncs(ctx, boss);
  const timer = setInterval(() => {
    syncAllProviders().catch((error: unknown) =>
      ctx.log.warn({ err: error }, 'could not enqueue provider syncs'),
    );
  }, ctx.config.syncIntervalSeconds * 1000);
  timer.unref();
  const stopSweeps = startSweeps(ctx);

  return {
    boss,
    syncAllProviders,
    stop: async () => {
      clearInterval(timer);
      await stopSweeps();
      await boss.stop({ graceful: true, timeout: 10_000 });
    },
  };
}
