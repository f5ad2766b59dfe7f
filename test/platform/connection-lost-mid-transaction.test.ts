/**
 * A database connection that drops while a transaction holds it (the server crash-restarting, a backend
 * terminated): the transaction fails like any other database error, the process goes on, and the pool
 * hands out working connections afterwards. (Unheard, the client's 'error' event would be an uncaught
 * exception, and numpool shuts down on one.)
 */
import type { PoolClient } from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withTransaction } from '../../src/platform/db.ts';
import { migrate } from '../../src/platform/migrate.ts';
import { createTestContext } from '../support/test-database.ts';

const ctx = await createTestContext();

const uncaught: unknown[] = [];
let heardUncaught!: () => void;
// Where the error goes unheard, the client never gets as far as announcing its end.
const somethingUncaught = new Promise<void>((resolve) => {
  heardUncaught = resolve;
});
const record = (error: unknown) => {
  uncaught.push(error);
  heardUncaught();
};
beforeAll(() => {
  process.on('uncaughtException', record);
});
beforeEach(() => {
  uncaught.length = 0;
});
afterAll(() => {
  process.off('uncaughtException', record);
});

const terminate = (pid: number) => ctx.pool.query('SELECT pg_terminate_backend($1)', [pid]);

async function backendOf(client: PoolClient): Promise<number> {
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return rows[0]!.pid;
}

describe('a connection lost in the middle of a transaction', () => {
  it('between two statements: the transaction fails, nothing is uncaught, the pool recovers', async () => {
    const work = withTransaction(ctx, async (tx) => {
      const client = tx.db as PoolClient;
      const ended = new Promise((resolve) => client.once('end', resolve));
      await terminate(await backendOf(client));
      // The client has heard its connection close before it is asked for anything else.
      await Promise.race([ended, somethingUncaught]);
      await tx.db.query('SELECT 1');
    });
    await expect(work).rejects.toThrow();
    expect(uncaught).toEqual([]);
    const after = await withTransaction(ctx, async (tx) => (await tx.db.query('SELECT 2 AS n')).rows[0]);
    expect(after).toEqual({ n: 2 });
  });

  it('during a statement: the statement fails, nothing is uncaught, the pool recovers', async () => {
    const work = withTransaction(ctx, async (tx) => {
      const client = tx.db as PoolClient;
      const pid = await backendOf(client);
      const failed = tx.db.query('SELECT pg_sleep(30)').then(
        () => undefined,
        (error: unknown) => error,
      );
      const ended = new Promise((resolve) => client.once('end', resolve));
      await terminate(pid);
      await Promise.race([ended, somethingUncaught]);
      const error = await failed;
      expect(error).toBeInstanceOf(Error);
      throw error;
    });
    await expect(work).rejects.toThrow();
    expect(uncaught).toEqual([]);
    const after = await withTransaction(ctx, async (tx) => (await tx.db.query('SELECT 3 AS n')).rows[0]);
    expect(after).toEqual({ n: 3 });
  });

  it('while migrations hold their connection: they fail, nothing is uncaught', async () => {
    // A migration that terminates its own backend stands for the server restarting under it.
    const killer = {
      version: 1_000_000,
      name: '1000000_lost_connection',
      sql: 'SELECT pg_terminate_backend(pg_backend_pid())',
    };
    await expect(migrate(ctx.pool, undefined, [killer])).rejects.toThrow();
    expect(uncaught).toEqual([]);
    expect((await ctx.pool.query('SELECT 4 AS n')).rows[0]).toEqual({ n: 4 });
  });
});
