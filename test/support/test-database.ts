/**
 * One fresh database per test file, cloned from the migrated template; dropped once the file ends.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import type { AppContext } from '../../src/app-context.ts';
import { loadConfig } from '../../src/config.ts';
import { QUEUES } from '../../src/jobs/queues.ts';
import { checkLedger } from '../../src/ledger/check-ledger.ts';
import { createInProcessBus } from '../../src/platform/bus.ts';
import { createPool } from '../../src/platform/db.ts';
import { startJobQueue } from '../../src/platform/job-queue.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { type ContextParts, createContext } from '../../src/runtime/create-context.ts';
import { cleanupAfterFile } from './file-cleanups.ts';
import { databaseUrl } from './postgres-server.ts';

export { cleanupAfterFile };

async function onServer(sql: string): Promise<void> {
  const client = new pg.Client(inject('pgAdminUrl'));
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
}

/** A new database: cloned from the template, or empty (for migration tests). */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const name = `${inject('pgDatabasePrefix')}${randomBytes(6).toString('hex')}`;
  await onServer(
    options.empty ? `CREATE DATABASE ${name}` : `CREATE DATABASE ${name} TEMPLATE ${inject('pgTemplate')}`,
  );
  // Dropping waits for a checkpoint of the whole server (seconds on a busy one), so the next file starts
  // meanwhile; the run's teardown drops whatever a worker that exited left behind (global-setup.ts).
  cleanupAfterFile(() => {
    onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
  });
  return { name, url: databaseUrl(inject('pgAdminUrl'), name) };
}

/** A full application context on a fresh database, closed after the file. */
export async function createTestContext(
  env: NodeJS.ProcessEnv = {},
  parts: Partial<ContextParts> = {},
): Promise<AppContext & { url: string }> {
  const database = await createTestDatabase();
  const ctx = await contextOn(database.url, env, parts);
  // Whatever a test file did through the verbs, the ledger's invariants hold when it ends.
  cleanupAfterFile(async () => {
    const violations = await checkLedger({ ctx });
    if (violations.length > 0)
      throw new Error(
        `ledger invariants violated when the file ended: ${JSON.stringify(violations.slice(0, 5))}`,
      );
  });
  return ctx;
}

/** A full application context on an existing database, closed after the file. */
export async function contextOn(
  url: string,
  env: NodeJS.ProcessEnv = {},
  parts: Partial<ContextParts> = {},
): Promise<AppContext & { url: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'numpool-test-data-'));
  const config = loadConfig({
    DATABASE_URL: url,
    NUMPOOL_DATA_DIR: dataDir,
    NUMPOOL_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
    // Tests drive the API from one key as fast as they can: no request limits or shedding unless a test
    // asks for them (the production defaults have both on).
    NUMPOOL_RATE_LIMIT: '0',
    NUMPOOL_SHED_EVENT_LOOP_DELAY_MS: '0',
    NUMPOOL_SHED_POOL_WAITING: '0',
    // Tests cancel and expire orders by the dozen: the abuse guard stays off unless a test turns it on.
    NUMPOOL_ABUSE_GUARD: '0',
    ...env,
  });
  // Tests wait longer for a connection than production does (a busy 2-core machine), unless one asks.
  const connectTimeoutMs = env.NUMPOOL_DB_CONNECT_TIMEOUT_MS ? config.db.connectTimeoutMs : 10_000;
  const pool = createPool(url, { max: 20, connectTimeoutMs });
  const log = createLogger(config.logLevel);
  // A queue that enqueues and supervises; tests that need workers start them (startJobs).
  const queue = parts.queue ?? (await startJobQueue({ url, log, supervise: true, queues: QUEUES }));
  const bus = parts.bus ?? createInProcessBus();
  const ctx = createContext({ pool, config, log, secret: config.secret!, ...parts, queue, bus });
  cleanupAfterFile(async () => {
    await queue.stop();
    await bus.close();
    await ctx.catalogCache.close();
    await pool.end();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return { ...ctx, url };
}
