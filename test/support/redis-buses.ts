/**
 * Two nodes' event buses over the test Redis, as two processes of one deployment would have: each its own
 * connection, every message heard by both. Closed when the test file ends.
 */
import { createRedisBus, type EventBus } from '../../src/platform/bus.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createRedis } from '../../src/platform/redis.ts';
import { cleanupAfterFile } from './test-database.ts';

export const TEST_REDIS_URL = process.env.NUMPOOL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function twoNodeBuses(): { busA: EventBus; busB: EventBus } {
  const log = createLogger('silent');
  const redisA = createRedis(TEST_REDIS_URL, log);
  const redisB = createRedis(TEST_REDIS_URL, log);
  cleanupAfterFile(() => {
    redisA.disconnect();
    redisB.disconnect();
  });
  return { busA: createRedisBus(redisA), busB: createRedisBus(redisB) };
}
