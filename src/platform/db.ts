/**
 * PostgreSQL access: connection pools, and withTransaction, which reuses an outer transaction so verbs
 * compose. Serialization failures and deadlocks are retried a few times.
 *
 * A process keeps separate pools for HTTP requests and for background work (runtime/open-runtime.ts), so a
 * burst on one side cannot starve the other. A pooled connection is never held across a call to another
 * system (a provider, a webhook receiver): take it for a query or a short transaction, then give it back.
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
  /** Inside a transaction: queues work for after a successful COMMIT (see onCommit). */
  afterCommit?: ((fn: () => void | Promise<void>) => void) | undefined;
}

/**
 * Runs fn once the current transaction has committed (at once outside a transaction): for signals that
 * must never announce a change that could still roll back, such as pub/sub wake-ups.
 */
export function onCommit(ctx: DbContext, fn: () => void | Promise<void>): void {
  if (ctx.inTransaction && ctx.afterCommit) ctx.afterCommit(fn);
  else
    void Promise.resolve()
      .then(fn)
      .catch(() => undefined);
}

export interface PoolOptions {
  max?: number;
  applicationName?: string;
  /** Any statement running longer is cancelled by the server (SQLSTATE 57014). */
  statementTimeoutMs?: number;
  /** How long to wait for a connection (a new one, or a free one in the pool) before failing. */
  connectTimeoutMs?: number;
  log?: Logger;
}

export function createPool(url: string, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'numpool',
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    idle_in_transaction_session_timeout: 60_000,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', (error) => options.log?.warn({ err: error }, 'idle database connection failed'));
  return pool;
}

const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 4;

/**
 * A pooled connection held for several statements. pg-pool takes its own 'error' listener off a client it
 * hands out, and a connection that drops meanwhile (the server crash-restarting, a terminated backend)
 * emits 'error' on it: unheard, that is an uncaught exception, which stops the process. The statement in
 * flight, or the next one, fails anyway; the listener only remembers the loss, so that release() has the
 * pool discard the client instead of handing it to the next caller.
 */
export async function checkOut(
  pool: pg.Pool,
): Promise<{ client: pg.PoolClient; release(discard?: boolean): void }> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onError = (error: Error) => {
    lost ??= error;
  };
  client.on('error', onError);
  return {
    client,
    release: (discard = false) => {
      client.removeListener('error', onError);
      client.release(lost ?? discard);
    },
  };
}

/** Runs fn in a transaction; inside an outer transaction it simply joins it. */
export async function withTransaction<C extends DbContext, T>(ctx: C, fn: (tx: C) => Promise<T>): Promise<T> {
  if (ctx.inTransaction) return fn(ctx);
  for (let attempt = 1; ; attempt++) {
    const { client, release } = await checkOut(ctx.pool);
    const committed: Array<() => void | Promise<void>> = [];
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await fn({
        ...ctx,
        db: client,
        inTransaction: true,
        afterCommit: (f) => committed.push(f),
      });
      await client.query('COMMIT');
      for (const f of committed)
        void Promise.resolve()
          .then(f)
          .catch(() => undefined);
      return result;
    } catch (error) {
      // A connection whose ROLLBACK did not go through is in no known state: it is not reused.
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      if (attempt < MAX_ATTEMPTS && RETRYABLE.has(pgErrorCode(error) ?? '')) continue;
      throw error;
    } finally {
      release(broken);
    }
  }
}

/**
 * For the rest of the current transaction, statements may run up to ms: bulk work (a whole catalog, a
 * full ledger pass) is not bound by the pool's request-sized timeout, wherever it was started from.
 */
export async function allowStatementsUpTo(tx: DbContext, ms: number): Promise<void> {
  if (!tx.inTransaction) throw new Error('a statement timeout for a transaction needs one');
  await tx.db.query(`SELECT set_config('statement_timeout', $1, true)`, [`${Math.trunc(ms)}ms`]);
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
