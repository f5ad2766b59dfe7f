/**
 * Several nodes of one deployment over one real Redis: each node gets a bus on its own connections, and a
 * test can wait until a node has heard an API-key change that another node announced. The buses of one
 * test file share a namespace of their own, so other files' messages (about keys and accounts with the
 * same ids in their own databases) never reach them.
 */
import { randomBytes } from 'node:crypto';
import { API_KEY_CHANGES } from '../../src/accounts/api-key-cache.ts';
import { createRedisBus, type EventBus } from '../../src/platform/bus.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createRedis } from '../../src/platform/redis.ts';
import { cleanupAfterFile } from './test-database.ts';
import { waitUntil } from './wait.ts';

export const REDIS_URL = process.env.NUMPOOL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
// Made with the file's first bus and forgotten when the file ends: modules outlive a file in a worker.
let fileNamespace: string | undefined;
function namespaceOfThisFile(): string {
  if (!fileNamespace) {
    fileNamespace = `numpool-test-${randomBytes(6).toString('hex')}`;
    cleanupAfterFile(() => {
      fileNamespace = undefined;
    });
  }
  return fileNamespace;
}

/**
 * A node's bus on connections of its own, disconnected when the file ends (after the contexts close);
 * `url` reaches Redis another way (through a proxy that can fail).
 */
export function redisBus(options: { url?: string; resyncEveryMs?: number } = {}): EventBus {
  const redis = createRedis(options.url ?? REDIS_URL, createLogger('silent'));
  cleanupAfterFile(() => redis.disconnect());
  return createRedisBus(redis, namespaceOfThisFile(), { resyncEveryMs: options.resyncEveryMs });
}

/** Two nodes' buses. */
export function redisBuses(): { busA: EventBus; busB: EventBus } {
  return { busA: redisBus(), busB: redisBus() };
}

export interface KeyChangesHeard {
  /** Every API-key change message the node has heard. */
  messages: string[];
  /** Call before making the change; the function it returns resolves once the node has heard it since. */
  expect(change: object): () => Promise<unknown>;
}

/**
 * Listens to API-key changes on node `on`. Call it after that node's context exists: its key cache
 * subscribed first, so by the time a message is heard here the cache has applied it. Returns once a
 * message published on `from` reaches `on`, so no change announced afterwards is missed.
 */
export async function keyChangesHeardOn(on: EventBus, from: EventBus): Promise<KeyChangesHeard> {
  const messages: string[] = [];
  on.subscribe(API_KEY_CHANGES, (message) => messages.push(message));
  await waitUntil(async () => {
    await from.publish(API_KEY_CHANGES, '{"ping":true}');
    return messages.length > 0 ? true : undefined;
  });
  return {
    messages,
    expect: (change) => {
      const since = messages.length;
      const wanted = JSON.stringify(change);
      return () =>
        waitUntil(async () => (messages.indexOf(wanted, since) >= 0 ? true : undefined), 10_000, 5);
    },
  };
}

/** Like keyChangesHeardOn, for a test that waits for a change it has already made. */
export async function heardOn(from: EventBus, to: EventBus): Promise<(change: object) => Promise<true>> {
  const heard = await keyChangesHeardOn(to, from);
  return (change) =>
    waitUntil(async () => (heard.messages.includes(JSON.stringify(change)) ? true : undefined), 10_000, 5);
}
