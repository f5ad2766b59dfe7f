/**
 * Two nodes of one deployment talk over one real Redis: each node gets its own bus (its own connection),
 * closed after the file. `heardOn` records what a node's bus hears on the key-change channel, so a test
 * waits for a change to have reached that node instead of sleeping.
 */
import { API_KEY_CHANGES } from '../../src/accounts/api-key-cache.ts';
import { createRedisBus, type EventBus } from '../../src/platform/bus.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createRedis } from '../../src/platform/redis.ts';
import { cleanupAfterFile } from './test-database.ts';
import { waitUntil } from './wait.ts';

const url = process.env.NUMPOOL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** One Redis bus per node. */
export function redisBuses(): { busA: EventBus; busB: EventBus } {
  const log = createLogger('silent');
  const redisA = createRedis(url, log);
  const redisB = createRedis(url, log);
  cleanupAfterFile(() => {
    redisA.disconnect();
    redisB.disconnect();
  });
  return { busA: createRedisBus(redisA), busB: createRedisBus(redisB) };
}

/**
 * Starts listening for API-key changes on `to`, once both buses are live (a ping from `from` arrived).
 * Call it after `to`'s context exists: its key cache subscribed first, so by the time a change is heard
 * here, the cache has applied it. The answer waits until a given change has been heard.
 */
export async function heardOn(from: EventBus, to: EventBus): Promise<(change: object) => Promise<true>> {
  const heard: string[] = [];
  to.subscribe(API_KEY_CHANGES, (message) => heard.push(message));
  await waitUntil(async () => {
    await from.publish(API_KEY_CHANGES, '{"ping":true}');
    return heard.length > 0 ? true : undefined;
  });
  return (change) =>
    waitUntil(async () => (heard.includes(JSON.stringify(change)) ? true : undefined), 10_000, 5);
}
