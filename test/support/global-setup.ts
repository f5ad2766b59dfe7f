/**
 * Once per test run: pick the PostgreSQL server and build a migrated, seeded template database. Each test
 * file then clones its own database from the template (test/support/test-database.ts).
 */
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { seedCatalog } from '../../src/catalog/seed-catalog.ts';
import { QUEUES } from '../../src/jobs/queues.ts';
import { createPool } from '../../src/platform/db.ts';
import { startJobQueue } from '../../src/platform/job-queue.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { migrate } from '../../src/platform/migrate.ts';
import { databaseUrl, openTestServer } from './postgres-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplate: string;
    /** Names every test database of this run, so the teardown finds those still there. */
    pgDatabasePrefix: string;
  }
}

async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The databases whose names start with prefix (made of letters, digits and underscores only). */
async function databasesNamed(url: string, prefix: string): Promise<string[]> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
      [prefix],
    );
    return rows.map((row) => row.datname);
  } finally {
    await client.end();
  }
}

export default async function setup(project: TestProject) {
  const server = await openTestServer();
  const run = `${process.pid}_${Date.now()}`;
  const template = `numpool_tpl_${run}`;
  const prefix = `numpool_t_${run}_`;
  await admin(server.adminUrl, `CREATE DATABASE ${template}`);
  const pool = createPool(databaseUrl(server.adminUrl, template), { max: 2 });
  try {
    await migrate(pool);
    await seedCatalog({ ctx: { pool, db: pool, inTransaction: false } });
    // The job queue's schema and queues, so each test database starts with them.
    const queue = await startJobQueue({
      url: databaseUrl(server.adminUrl, template),
      log: createLogger('silent'),
      supervise: false,
      queues: QUEUES,
    });
    await queue.stop();
  } finally {
    await pool.end();
  }
  project.provide('pgAdminUrl', server.adminUrl);
  project.provide('pgTemplate', template);
  project.provide('pgDatabasePrefix', prefix);
  console.log(`tests use the ${server.kind} PostgreSQL server, template ${template}`);

  return async () => {
    for (const name of await databasesNamed(server.adminUrl, prefix))
      await admin(server.adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin(server.adminUrl, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await server.stop();
  };
}
