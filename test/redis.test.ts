/** Redis is optional on one node; when configured, readiness depends on it. Uses the machine's Redis. */
import { describe, expect, it } from 'vitest';
import { checkReadiness } from '../src/health/check-readiness.ts';
import { createLogger } from '../src/platform/logger.ts';
import { createRedis } from '../src/platform/redis.ts';
import { createTestContext } from './support/test-database.ts';

const REDIS_URL = process.env.NUMPOOL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ctx = await createTestContext();
const log = createLogger('silent');

describe('readiness with Redis', () => {
  it('is ready when the configured Redis answers', async () => {
    const redis = createRedis(REDIS_URL, log);
    try {
      await redis.connect();
      expect(await checkReadiness({ ctx: { ...ctx, redis } })).toMatchObject({ ready: true, redis: true });
    } finally {
      redis.disconnect();
    }
  });

  it('is not ready when the configured Redis does not answer', async () => {
    const redis = createRedis('redis://127.0.0.1:1', log);
    try {
      expect(await checkReadiness({ ctx: { ...ctx, redis } })).toMatchObject({ ready: false, redis: false });
    } finally {
      redis.disconnect();
    }
  });
});
