/**
 * Numbered SQL migrations (migrations/NNNN_name.sql), each applied in its own transaction.
 * A session advisory lock serialises migrators, so two processes starting at once apply each file once.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkOut, type Pool } from './db.ts';
import type { Logger } from './logger.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));
const LOCK_KEY = 727_001; // arbitrary, constant: the advisory lock id for migrations

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 4)),
      name: file.replace(/\.sql$/, ''),
      sql: readFileSync(`${dir}${file}`, 'utf8'),
    }));
}

export function latestMigrationVersion(migrations = loadMigrations()): number {
  return migrations.at(-1)?.version ?? 0;
}

/** Applies pending migrations; returns the versions applied by this call. */
export async function migrate(pool: Pool, log?: Logger, migrations = loadMigrations()): Promise<number[]> {
  const { client, release } = await checkOut(pool);
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const done = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(done.rows.map((r) => r.version));
    const ran: number[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
          migration.version,
          migration.name,
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
      }
      log?.info({ migration: migration.name }, 'migration applied');
      ran.push(migration.version);
    }
    return ran;
  } finally {
    // A connection still holding the lock (its unlock failed) is not put back in the pool.
    const unlockFailed = await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).then(
      () => false,
      () => true,
    );
    release(unlockFailed);
  }
}

/** The highest applied version, or 0 when the schema has never been migrated. */
export async function appliedMigrationVersion(pool: Pool): Promise<number> {
  const exists = await pool.query<{ present: boolean }>(
    `SELECT to_regclass('schema_migrations') IS NOT NULL AS present`,
  );
  if (!exists.rows[0]?.present) return 0;
  const result = await pool.query<{ version: number }>(
    'SELECT coalesce(max(version), 0) AS version FROM schema_migrations',
  );
  return result.rows[0]?.version ?? 0;
}
