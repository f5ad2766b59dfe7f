/** The periodic sync runs on the job queue: enqueued by any worker, run once per provider at a time. */
import { describe, expect, it } from 'vitest';
import { startJobs } from '../../src/jobs/job-runner.ts';
import { PROVIDER_SYNC_QUEUE } from '../../src/jobs/queues.ts';
import { createProvider } from '../../src/providers/save-provider.ts';
import { DEFAULT_PERSONAS, startSimulator } from '../../src/sim/index.ts';
import { cleanupAfterFile, createTestContext } from '../support/test-database.ts';
import { waitUntil } from '../support/wait.ts';

const ctx = await createTestContext();
const simulator = await startSimulator({ port: 0, seed: 5, smsDelayMs: 60_000 });
cleanupAfterFile(() => simulator.close());

describe('provider sync job', () => {
  it('syncs every enabled provider through pg-boss, collapsing duplicate requests', async () => {
    const alpha = DEFAULT_PERSONAS.find((p) => p.name === 'alpha')!;
    const provider = await createProvider({
      ctx,
      input: {
        code: 'alpha',
        kind: 'handler',
        baseUrl: simulator.baseUrl('alpha'),
        credential: alpha.credential,
      },
    });
    const jobs = await startJobs(ctx);
    try {
      // Several workers asking at once still make one queued job per provider.
      await Promise.all([jobs.syncAllProviders(), jobs.syncAllProviders(), jobs.syncAllProviders()]);
      const synced = await waitUntil(async () => {
        const row = await ctx.db.query('SELECT last_sync_at FROM providers WHERE id = $1', [provider.id]);
        return (row.rows[0].last_sync_at as Date | null) ?? undefined;
      }, 60_000);
      expect(synced).toBeInstanceOf(Date);
      const stocked = await ctx.db.query(
        'SELECT count(*)::int AS n FROM products WHERE provider_id = $1 AND available > 0',
        [provider.id],
      );
      expect(stocked.rows[0].n).toBeGreaterThan(10_000);
      const created = await ctx.db.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1`, [
        PROVIDER_SYNC_QUEUE,
      ]);
      expect(created.rows[0].n).toBe(1);
    } finally {
      await jobs.stop();
    }
  });
});
