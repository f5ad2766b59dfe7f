/**
 * The job queue (pg-boss, jobs in PostgreSQL). Every process can enqueue — inside its own transaction,
 * so a job exists exactly when the change that needs it was committed; only worker processes run jobs
 * and supervise the queue (expiry, retries, maintenance).
 */
import { PgBoss, type Queue } from 'pg-boss';
import type { DbContext } from './db.ts';
import type { Logger } from './logger.ts';

export interface QueueSpec extends Omit<Queue, 'name'> {
  name: string;
}

export interface JobQueue {
  boss: PgBoss;
  /** Enqueues within ctx's transaction (or on its own outside one). */
  send(
    ctx: DbContext,
    name: string,
    data: object,
    options?: { startAfter?: Date | number; singletonKey?: string },
  ): Promise<void>;
  stop(): Promise<void>;
}

export async function startJobQueue(options: {
  url: string;
  log: Logger;
  supervise: boolean;
  queues: QueueSpec[];
  /** Connections of pg-boss's own pool (fetching, completing, supervising); jobs' work uses the caller's. */
  max?: number;
}): Promise<JobQueue> {
  const boss = new PgBoss({
    connectionString: options.url,
    schema: 'pgboss',
    application_name: 'numpool-jobs',
    supervise: options.supervise,
    schedule: false,
    useListenNotify: true,
    // Jobs of a dead worker are retried soon after their heartbeat stops (a delivery must not wait long).
    superviseIntervalSeconds: 2,
    monitorIntervalSeconds: 5,
    max: options.max ?? 5,
  });
  boss.on('error', (error) => options.log.warn({ err: error }, 'job queue error'));
  await boss.start();
  for (const { name, ...queue } of options.queues) {
    const existing = await boss.getQueue(name);
    if (!existing) await boss.createQueue(name, queue);
    // A queue made before it woke its workers on NOTIFY does from now on.
    else if (Boolean(existing.notify) !== Boolean(queue.notify))
      await boss.updateQueue(name, { notify: Boolean(queue.notify) });
  }
  return {
    boss,
    send: async (ctx, name, data, sendOptions = {}) => {
      const db = { executeSql: (text: string, values?: unknown[]) => ctx.db.query(text, values) };
      await boss.send(name, data, { ...sendOptions, db });
    },
    stop: () => boss.stop({ graceful: true, timeout: 10_000 }),
  };
}
