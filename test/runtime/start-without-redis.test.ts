/**
 * A node started while Redis is unreachable (restarted during a Redis outage) starts anyway: Redis
 * carries wake-ups and shared counters, not state. It reports itself not ready until Redis answers,
 * then ready, with nothing restarted.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { checkReadiness } from '../../src/health/check-readiness.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { openRuntime } from '../../src/runtime/open-runtime.ts';
import { REDIS_URL } from '../support/redis-nodes.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';
import { cleanupAfterFile, createTestDatabase } from '../support/test-database.ts';
import { waitUntil } from '../support/wait.ts';

describe('a node whose Redis is unreachable when it starts', () => {
  it('starts, is not ready, and is ready once Redis answers', async () => {
    const database = await createTestDatabase();
    const target = new URL(REDIS_URL);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    await proxy.refuse();
    const dataDir = mkdtempSync(join(tmpdir(), 'numpool-test-data-'));
    cleanupAfterFile(() => rmSync(dataDir, { recursive: true, force: true }));
    const config = loadConfig({
      DATABASE_URL: database.url,
      REDIS_URL: proxy.url(REDIS_URL),
      NUMPOOL_DATA_DIR: dataDir,
      NUMPOOL_SECRET: randomBytes(32).toString('hex'),
      NUMPOOL_ROLE: 'worker',
    });
    const runtime = await openRuntime(config, createLogger('silent'));
    try {
      expect(await checkReadiness({ ctx: runtime.ctx })).toMatchObject({ ready: false, redis: false });
      await proxy.restore();
      const ready = await waitUntil(async () => {
        const readiness = await checkReadiness({ ctx: runtime.ctx });
        return readiness.ready ? readiness : undefined;
      });
      expect(ready).toMatchObject({ ready: true, database: true, redis: true });
    } finally {
      await runtime.close();
    }
  });
});
