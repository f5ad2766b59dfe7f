/**
 * One fresh database per test file, cloned from the migrated template; dropped when the file ends.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, inject } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { systemClock } from '../../src/platform/clock.ts';
import type { AppContext } from '../../src/platform/context.ts';
import { createPool } from '../../src/platform/db.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { databaseUrl } from './postgres-server.ts';

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
  const name = `numpool_t_${randomBytes(6).toString('hex')}`;
  await onServer(
    options.empty ? `CREATE DATABASE ${name}` : `CREATE DATABASE ${name} TEMPLATE ${inject('pgTemplate')}`,
  );
  afterAll(async () => {
    await onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
  return { name, url: databaseUrl(inject('pgAdminUrl'), name) };
}

/** A full application context on a fresh database, closed after the file. */
export async function createTestContext(env: NodeJS.ProcessEnv = {}): Promise<AppContext & { url: string }> {
  const database = await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'numpool-test-data-'));
  const config = loadConfig({
    DATABASE_URL: database.url,
    NUMPOOL_DATA_DIR: dataDir,
    NUMPOOL_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
    ...env,
  });
  const log = createLogger(config.logLevel);
  const pool = createPool(database.url, { max: 20 });
  afterAll(async () => {
    await pool.end();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return {
    url: database.url,
    pool,
    db: pool,
    inTransaction: false,
    config,
    log,
    clock: systemClock,
    secret: config.secret!,
    redis: undefined,
  };
}
