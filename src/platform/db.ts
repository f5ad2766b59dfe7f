/**
 * PostgreSQL access: one pool per process, and withTransaction, which reuses an outer transaction so
 * verbs compose. Serialization failures and deadlocks are retried a few times.
 */
import pg from 'pg';
import type { Logger } from './logger.ts';

// BIGINT columns hold money and ids; they must reach JSON as numbers, and must never lose precision.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`bigint ${value} exceeds the safe integer range`);
  return n;
});

export type Pool = pg.Pool;
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

export interface DbContext {
  pool: pg.Pool;
  /** The pool outside a transaction, the transaction's client inside one. */
  db: Queryable;
  inTransaction: boolean;
}

export interface PoolOptions {
  max?: number;
  applicationName?: string;
  log?: Logger;
}

export function createPool(url: string, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'numpool',
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 30_000,
    idle_in_transaction_session_timeout: 60_000,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', (error) => options.log?.warn({ err: error }, 'idle database connection failed'));
  return pool;
}

const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 4;

/** Runs fn in a transaction; inside an outer transaction it simply joins it. */
export async function withTransaction<C extends DbContext, T>(ctx: C, fn: (tx: C) => Promise<T>): Promise<T> {
  if (ctx.inTransaction) return fn(ctx);
  for (let attempt = 1; ; attempt++) {
    const client = await ctx.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn({ ...ctx, db: client, inTransaction: true });
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (attempt < MAX_ATTEMPTS && RETRYABLE.has(pgErrorCode(error) ?? '')) continue;
      throw error;
    } finally {
      client.release();
    }
  }
}

export function pgErrorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}

export function pgConstraint(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'constraint' in error
    ? String(error.constraint)
    : undefined;
}
