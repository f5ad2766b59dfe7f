/** Redis is optional on one node; when configured, readiness depends on it. Uses the machine's Redis. */
import { describe, expect, it } from 'vitest';
import { checkReadiness } from '../src/health/check-readiness.ts';
import { createRedisBus } from '../src/platform/bus.ts';
import { createLogger } from '../src/platform/logger.ts';
import { createRedis } from '../src/platform/redis.ts';
import { createTestContext } from './support/test-database.ts';
import { waitUntil } from './support/wait.ts';

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

describe('the Redis event bus', () => {
  it('delivers within a namespace and never across namespaces', async () => {
    const connections = [0, 1, 2, 3].map(() => createRedis(REDIS_URL, log));
    const [here, there, elsewhere, neighbour] = [
      createRedisBus(connections[0]!, 'ns-one'),
      createRedisBus(connections[1]!, 'ns-one'),
      createRedisBus(connections[2]!, 'ns-two'),
      createRedisBus(connections[3]!, 'ns-two'),
    ];
    try {
      const heardThere: string[] = [];
      const heardElsewhere: string[] = [];
      there.subscribe('changes', (m) => heardThere.push(m));
      elsewhere.subscribe('changes', (m) => heardElsewhere.push(m));
      // Subscribing is asynchronous: publish until the same namespace hears it.
      await waitUntil(async () => {
        await here.publish('changes', 'hello');
        return heardThere.length > 0 ? true : undefined;
      });
      // A message the other namespace sends reaches its own listener, proving it was subscribed all along.
      await waitUntil(async () => {
        await neighbour!.publish('changes', 'own');
        return heardElsewhere.includes('own') ? true : undefined;
      });
      expect(heardThere.every((m) => m === 'hello')).toBe(true);
      expect(heardElsewhere.every((m) => m === 'own')).toBe(true);
    } finally {
      for (const bus of [here, there, elsewhere, neighbour]) await bus!.close();
      for (const redis of connections) redis.disconnect();
    }
  });
});
