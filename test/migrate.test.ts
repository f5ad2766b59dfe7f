import { describe, expect, it } from 'vitest';
import { checkReadiness } from '../src/health/check-readiness.ts';
import { createPool } from '../src/platform/db.ts';
import { latestMigrationVersion, loadMigrations, migrate } from '../src/platform/migrate.ts';
import { createTestDatabase } from './support/test-database.ts';

describe('migrations', () => {
  it('are numbered without gaps or duplicates', () => {
    const versions = loadMigrations().map((m) => m.version);
    expect(versions.length).toBeGreaterThan(0);
    expect(versions).toEqual(versions.map((_, i) => i + 1));
  });

  it('apply to an empty database once, and readiness follows them', async () => {
    const database = await createTestDatabase({ empty: true });
    const pool = createPool(database.url, { max: 4 });
    try {
      expect(await checkReadiness({ ctx: { pool } })).toMatchObject({ ready: false, database: true });
      expect(await migrate(pool)).toEqual(loadMigrations().map((m) => m.version));
      expect(await migrate(pool)).toEqual([]);
      expect(await checkReadiness({ ctx: { pool } })).toEqual({
        ready: true,
        database: true,
        migrations: { applied: latestMigrationVersion(), expected: latestMigrationVersion() },
        redis: null,
      });
    } finally {
      await pool.end();
    }
  });

  it('are safe when several processes start at once', async () => {
    const database = await createTestDatabase({ empty: true });
    const pools = Array.from({ length: 4 }, () => createPool(database.url, { max: 1 }));
    try {
      const results = await Promise.all(pools.map((pool) => migrate(pool)));
      // Exactly one migrator applied everything; the others found nothing left to do.
      expect(results.flat().sort((a, b) => a - b)).toEqual(loadMigrations().map((m) => m.version));
      const rows = await pools[0]!.query('SELECT version FROM schema_migrations');
      expect(rows.rowCount).toBe(loadMigrations().length);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });

  it('report a database that does not answer as not ready', async () => {
    const pool = createPool('postgres://nobody@127.0.0.1:1/none', { max: 1 });
    try {
      expect(await checkReadiness({ ctx: { pool } })).toMatchObject({ ready: false, database: false });
    } finally {
      await pool.end();
    }
  });
});

describe('a failing migration', () => {
  it('leaves nothing of itself behind and stops the run', async () => {
    const database = await createTestDatabase({ empty: true });
    const pool = createPool(database.url, { max: 2 });
    const migrations = [
      { version: 1, name: '0001_ok', sql: 'CREATE TABLE first_table (id int)' },
      { version: 2, name: '0002_broken', sql: 'CREATE TABLE half_done (id int); SELECT no_such_function()' },
      { version: 3, name: '0003_after', sql: 'CREATE TABLE after_table (id int)' },
    ];
    try {
      await expect(migrate(pool, undefined, migrations)).rejects.toThrow(/0002_broken failed/);
      const tables = await pool.query<{ name: string }>(
        `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`,
      );
      expect(tables.rows.map((r) => r.name)).toEqual(['first_table', 'schema_migrations']);
    } finally {
      await pool.end();
    }
  });
});
