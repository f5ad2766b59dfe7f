/**
 * A node's catalog snapshot across a lost Redis subscription: invalidations and slot patches sent while
 * it was down never arrive, so once the subscription is back the node reads the catalog again instead of
 * serving what it had until the snapshot ages out.
 */
import { describe, expect, it } from 'vitest';
import { CatalogCache } from '../src/catalog/catalog-cache.ts';
import { createLogger } from '../src/platform/logger.ts';
import { createRedis } from '../src/platform/redis.ts';
import { REDIS_URL } from './support/redis-nodes.ts';
import { startTcpProxy } from './support/tcp-proxy.ts';
import { cleanupAfterFile, createTestContext } from './support/test-database.ts';
import { waitUntil } from './support/wait.ts';

const ctx = await createTestContext();

describe('a catalog snapshot whose Redis subscription was lost', () => {
  it('is read again once the subscription is back', async () => {
    const target = new URL(REDIS_URL);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    const redis = createRedis(proxy.url(REDIS_URL), createLogger('silent'));
    const cache = new CatalogCache({ redis });
    cleanupAfterFile(async () => {
      await cache.close();
      redis.disconnect();
    });
    await waitUntil(async () => (proxy.accepted >= 1 ? true : undefined));
    const first = await cache.get(ctx);
    expect(await cache.get(ctx)).toBe(first);

    // Redis restarted: the subscription's connection is cut, and ioredis comes back on its own.
    proxy.cut();
    await waitUntil(async () => (proxy.accepted >= 2 ? true : undefined));
    const again = await waitUntil(async () => {
      const snapshot = await cache.get(ctx);
      return snapshot !== first ? snapshot : undefined;
    });
    expect(again.loadedAt).toBeGreaterThanOrEqual(first.loadedAt);
    expect(await cache.get(ctx)).toBe(again);
  });
});
