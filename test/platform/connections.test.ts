/**
 * Connection discipline: background work never keeps a pooled connection while it waits on another system,
 * still runs once at a time across processes, and the request pool cuts off long statements.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app-context.ts';
import { loadConfig } from '../../src/config.ts';
import { runSweepOnce, SWEEPS, type Sweep, sweepLeaseMs, sweepPace } from '../../src/jobs/sweeps.ts';
import { pgErrorCode } from '../../src/platform/db.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createProvider } from '../../src/providers/save-provider.ts';
import { syncProviderOffers } from '../../src/providers/sync-offers.ts';
import { openRuntime } from '../../src/runtime/open-runtime.ts';
import { DEFAULT_PERSONAS, startSimulator } from '../../src/sim/index.ts';
import { cleanupAfterFile, contextOn, createTestDatabase } from '../support/test-database.ts';
import { waitUntil } from '../support/wait.ts';

const database = await createTestDatabase();
// Two processes on one database (one secret, as a deployment has).
const shared = { NUMPOOL_SECRET: randomBytes(32).toString('hex') };
const one = await contextOn(database.url, shared);
const two = await contextOn(database.url, shared);

/** Connections taken out of the pool right now (idle ones stay in it). */
const checkedOut = (ctx: AppContext) => ctx.pool.totalCount - ctx.pool.idleCount;

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe('a sweep tick', () => {
  it('holds no pooled connection while its run waits, and runs once at a time across processes', async () => {
    const entered = gate();
    const release = gate();
    let runs = 0;
    const sweep: Sweep = {
      name: 'blocked-on-upstream',
      everyMs: 1_000,
      run: async () => {
        runs++;
        entered.open();
        await release.opened; // as a provider call that has not answered yet
      },
    };
    const first = runSweepOnce(one, sweep);
    await entered.opened;
    expect(checkedOut(one)).toBe(0);
    expect(await runSweepOnce(two, sweep)).toBe(false);
    expect(await runSweepOnce(one, sweep)).toBe(false);
    expect(checkedOut(one) + checkedOut(two)).toBe(0);

    release.open();
    expect(await first).toBe(true);
    expect(await runSweepOnce(two, sweep)).toBe(true);
    expect(runs).toBe(2);
  });

  it('leases for a time sized to its pace, so a dead holder stops a fast sweep only briefly', () => {
    const poll = SWEEPS.find((sweep) => sweep.name === 'sms-poll')!;
    const { config } = one;
    expect(sweepLeaseMs(poll, config)).toBe(10_000);
    for (const sweep of SWEEPS) {
      const pace = sweepPace(sweep, config);
      expect(sweepLeaseMs(sweep, config)).toBeGreaterThanOrEqual(Math.min(3 * pace, 600_000));
      expect(sweepLeaseMs(sweep, config)).toBeLessThanOrEqual(Math.max(3 * pace, 10_000));
    }
    // The orphan sweep follows its grace period: twice per grace, at most once a minute.
    const orphans = SWEEPS.find((sweep) => sweep.name === 'upstream-orphans')!;
    expect(sweepPace(orphans, config)).toBe(60_000);
    expect(sweepPace(orphans, { ...config, orders: { ...config.orders, orphanGraceSeconds: 20 } })).toBe(
      10_000,
    );
  });

  it('frees its sweep when the run fails', async () => {
    const sweep: Sweep = {
      name: 'failing',
      everyMs: 1_000,
      run: () => Promise.reject(new Error('upstream exploded')),
    };
    await expect(runSweepOnce(one, sweep)).rejects.toThrow('upstream exploded');
    const ran = await runSweepOnce(two, { ...sweep, run: async () => undefined });
    expect(ran).toBe(true);
  });
});

describe('a provider sync', () => {
  it('holds no pooled connection while the provider is not answering', async () => {
    const sim = await startSimulator({ port: 0, seed: 5 });
    cleanupAfterFile(() => sim.close());
    const alpha = DEFAULT_PERSONAS.find((p) => p.name === 'alpha')!;
    const provider = await createProvider({
      ctx: one,
      input: {
        code: 'alpha',
        kind: 'handler',
        baseUrl: sim.baseUrl('alpha'),
        credential: alpha.credential,
        currency: alpha.currency,
        timeoutMs: 1_000,
        settings: alpha.dialect ? { dialect: alpha.dialect } : {},
      },
    });
    const faulted = () => sim.personas().find((p) => p.name === 'alpha')!.counters.faulted;

    sim.setFault('alpha', 'timeout');
    const blocked = syncProviderOffers({ ctx: one, input: { providerId: provider.id } }).then(
      () => 'synced',
      (error: unknown) => (error as { code?: string }).code,
    );
    await waitUntil(async () => (faulted() > 0 ? true : undefined));
    expect(checkedOut(one)).toBe(0);
    // Still exclusive: the sync holds its lease, not a connection.
    const lease = await two.db.query('SELECT count(*)::int AS n FROM leases WHERE name = $1', [
      `provider-sync:${provider.id}`,
    ]);
    expect(lease.rows[0].n).toBe(1);

    sim.setFault('alpha', 'ok');
    expect(await blocked).toBe('PROVIDER_ERROR');
    const summary = await syncProviderOffers({ ctx: two, input: { providerId: provider.id } });
    expect(summary.offers).toBeGreaterThan(0);
  });
});

describe('the runtime pools', () => {
  it('sizes the pools from the configuration and cuts off long statements on the request path', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'numpool-test-data-'));
    cleanupAfterFile(() => rmSync(dataDir, { recursive: true, force: true }));
    const config = loadConfig({
      DATABASE_URL: database.url,
      NUMPOOL_DATA_DIR: dataDir,
      NUMPOOL_SECRET: randomBytes(32).toString('hex'),
      NUMPOOL_ROLE: 'api',
      NUMPOOL_DB_POOL_MAX: '3',
      NUMPOOL_DB_WORKER_POOL_MAX: '2',
      NUMPOOL_DB_STATEMENT_TIMEOUT_MS: '50',
    });
    const runtime = await openRuntime(config, createLogger('silent'));
    try {
      const request = runtime.requestCtx.pool;
      const background = runtime.ctx.pool;
      expect(request).not.toBe(background);
      expect([request.options.max, background.options.max]).toEqual([3, 2]);
      expect((await request.query('SHOW statement_timeout')).rows[0].statement_timeout).toBe('50ms');
      expect((await background.query('SHOW statement_timeout')).rows[0].statement_timeout).toBe('1min');

      const slow = await request.query('SELECT pg_sleep(5)').catch((error: unknown) => error);
      expect(pgErrorCode(slow)).toBe('57014'); // query_canceled: statement timeout
      await expect(background.query('SELECT pg_sleep(0.1)')).resolves.toBeDefined();
    } finally {
      await runtime.close();
    }
  });
});

describe("an operator's sync from a request", () => {
  it('runs with the background statement timeout, not the request one', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'numpool-test-data-'));
    cleanupAfterFile(() => rmSync(dataDir, { recursive: true, force: true }));
    const config = loadConfig({
      DATABASE_URL: database.url,
      NUMPOOL_DATA_DIR: dataDir,
      NUMPOOL_SECRET: shared.NUMPOOL_SECRET,
      NUMPOOL_ROLE: 'api',
      // Enough for a request's statements, not for storing a whole catalog in one.
      NUMPOOL_DB_STATEMENT_TIMEOUT_MS: '250',
    });
    const runtime = await openRuntime(config, createLogger('silent'));
    try {
      const sim = await startSimulator({ port: 0, seed: 6 });
      cleanupAfterFile(() => sim.close());
      const beta = DEFAULT_PERSONAS.find((p) => p.name === 'beta')!;
      const provider = await createProvider({
        ctx: runtime.ctx,
        input: {
          code: 'beta',
          kind: 'handler',
          baseUrl: sim.baseUrl('beta'),
          credential: beta.credential,
          currency: beta.currency,
          timeoutMs: 5_000,
          settings: beta.dialect ? { dialect: beta.dialect } : {},
        },
      });
      const slow = await runtime.requestCtx.db.query('SELECT pg_sleep(0.5)').catch((error: unknown) => error);
      expect(pgErrorCode(slow)).toBe('57014');
      const summary = await syncProviderOffers({
        ctx: runtime.requestCtx,
        input: { providerId: provider.id },
      });
      expect(summary.offers).toBeGreaterThan(1_000);
    } finally {
      await runtime.close();
    }
  });
});
