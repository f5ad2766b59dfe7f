/**
 * Opens what every process role needs: database (embedded or DATABASE_URL), schema and catalog seed,
 * secret, optional Redis; and closes them in reverse order.
 *
 * Two connection pools, so neither side can starve the other: the request pool serves HTTP (short
 * statement timeout) and the background pool serves jobs, sweeps, boot and admin commands (longer one).
 * pg-boss keeps a third, small pool for its bookkeeping. Pools open connections only on demand, so a
 * role that never uses one (a worker's request pool) holds no connections for it. Sizing: README.
 */
import type { AppContext } from '../app-context.ts';
import { seedCatalog } from '../catalog/seed-catalog.ts';
import type { Config } from '../config.ts';
import { sealWebhookSecrets } from '../delivery/webhooks/seal-webhook-secrets.ts';
import { QUEUES } from '../jobs/queues.ts';
import { createInProcessBus, createRedisBus } from '../platform/bus.ts';
import { openDatabase } from '../platform/database.ts';
import { createPool } from '../platform/db.ts';
import { type JobQueue, startJobQueue } from '../platform/job-queue.ts';
import type { Logger } from '../platform/logger.ts';
import { migrate } from '../platform/migrate.ts';
import { createRedis } from '../platform/redis.ts';
import { loadSecret } from '../platform/secret.ts';
import { applyConfiguredUsdRate } from '../pricing/fx-rates.ts';
import { createContext, onPool } from './create-context.ts';

export interface Runtime {
  /** Background work: jobs, sweeps, boot, admin commands (the background pool). */
  ctx: AppContext;
  /** Serving HTTP requests (the request pool); shares everything else with ctx. */
  requestCtx: AppContext;
  /** For components that open their own connections (the job queue). */
  databaseUrl: string;
  close(): Promise<void>;
}

export async function openRuntime(config: Config, log: Logger): Promise<Runtime> {
  const secret = loadSecret(config);
  const database = await openDatabase(config, log);
  const pool = createPool(database.url, {
    log,
    applicationName: `numpool-${config.role}-worker`,
    max: config.db.workerPoolMax,
    statementTimeoutMs: config.db.workerStatementTimeoutMs,
  });
  const requestPool = createPool(database.url, {
    log,
    applicationName: `numpool-${config.role}-http`,
    max: config.db.poolMax,
    statementTimeoutMs: config.db.statementTimeoutMs,
    connectTimeoutMs: config.db.connectTimeoutMs,
  });
  const redis = config.redisUrl ? createRedis(config.redisUrl, log) : undefined;
  let ctx: AppContext | undefined;
  let queue: JobQueue | undefined;
  const bus = redis ? createRedisBus(redis) : createInProcessBus();
  const close = async () => {
    await ctx?.catalogCache.close();
    await queue?.stop().catch(() => undefined);
    await bus.close();
    await redis?.quit().catch(() => redis.disconnect());
    await requestPool.end();
    await pool.end();
    await database.stop();
  };
  try {
    await migrate(pool, log);
    // Redis carries wake-ups and shared counters, not state: a node started during a Redis outage
    // starts (not ready, its bus polling) and ioredis goes on connecting.
    await redis
      ?.connect()
      .catch((error: unknown) =>
        log.warn({ err: error }, 'Redis is unreachable; starting without it until it answers'),
      );
    // Only workers supervise the queue; every process may enqueue.
    queue = await startJobQueue({
      url: database.url,
      log,
      supervise: config.role !== 'api',
      queues: QUEUES,
      max: config.db.queuePoolMax,
    });
    const created = createContext({ pool, config, log, secret, redis, bus, queue });
    ctx = created;
    await seedCatalog({ ctx: created });
    await sealWebhookSecrets({ ctx: created });
    await applyConfiguredUsdRate({ ctx: created, input: { idrPerUsd: config.fxUsdIdr } });
    return { ctx: created, requestCtx: onPool(created, requestPool), databaseUrl: database.url, close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}
