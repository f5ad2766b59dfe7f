/**
 * Wake-ups across processes: "something changed for account X / order Y". Redis pub/sub when REDIS_URL is
 * set (every node hears every message), an in-process emitter otherwise (one node). Messages are hints:
 * listeners re-read the database, so a lost message only delays them until their next read.
 *
 * While Redis is unreachable, messages from other nodes cannot arrive: every subscribed channel then
 * hears BUS_RESYNC every `resyncEveryMs` (listeners re-read — wake-ups become database polling), and once
 * more when the subscription is back (ioredis resubscribes by itself), for what was missed in between.
 * Caches drop everything on BUS_RESYNC.
 */
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';

/** "Messages may have been missed": re-read everything this channel is about. */
export const BUS_RESYNC = '*';
const RESYNC_EVERY_MS = 1_000;

export interface EventBus {
  publish(channel: string, message: string): Promise<void>;
  /** Returns the function that unsubscribes. */
  subscribe(channel: string, handler: (message: string) => void): () => void;
  close(): Promise<void>;
}

export function createInProcessBus(): EventBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    publish: async (channel, message) => {
      emitter.emit(channel, message);
    },
    subscribe: (channel, handler) => {
      emitter.on(channel, handler);
      return () => emitter.off(channel, handler);
    },
    close: async () => {
      emitter.removeAllListeners();
    },
  };
}

/**
 * `namespace` prefixes every channel, so deployments (or test databases) sharing one Redis never hear each
 * other: ids such as an account's or a key's mean something only within one database.
 */
export function createRedisBus(
  redis: Redis,
  namespace = '',
  options: { resyncEveryMs?: number } = {},
): EventBus {
  // Its commands wait for a connection however long it takes: a subscription asked for during an outage
  // (a node started then) must not be given up after a few retries, or the channel would stay deaf.
  const subscriber = redis.duplicate({ maxRetriesPerRequest: null });
  const prefix = namespace ? `${namespace}:` : '';
  const local = new EventEmitter();
  local.setMaxListeners(0);
  const counts = new Map<string, number>();
  subscriber.on('message', (channel: string, message: string) =>
    local.emit(channel.slice(prefix.length), message),
  );
  subscriber.on('error', () => undefined);

  const resync = () => {
    for (const channel of counts.keys()) local.emit(channel, BUS_RESYNC);
  };
  let everyMs = options.resyncEveryMs ?? RESYNC_EVERY_MS;
  let polling: NodeJS.Timeout | undefined;
  // 'close' follows every lost connection and every failed attempt, the first one included (a node
  // started during an outage polls from the start); 'ready' comes after the channels are subscribed again.
  subscriber.on('close', () => {
    if (polling || everyMs === 0) return;
    polling = setInterval(resync, everyMs);
    polling.unref();
  });
  subscriber.on('ready', () => {
    const recovering = polling !== undefined;
    clearInterval(polling);
    polling = undefined;
    if (recovering) resync();
  });
  return {
    publish: async (channel, message) => {
      await redis.publish(prefix + channel, message);
    },
    subscribe: (channel, handler) => {
      local.on(channel, handler);
      const n = (counts.get(channel) ?? 0) + 1;
      counts.set(channel, n);
      if (n === 1) void subscriber.subscribe(prefix + channel).catch(() => undefined);
      return () => {
        local.off(channel, handler);
        const left = (counts.get(channel) ?? 1) - 1;
        if (left > 0) counts.set(channel, left);
        else {
          counts.delete(channel);
          void subscriber.unsubscribe(prefix + channel).catch(() => undefined);
        }
      };
    },
    close: async () => {
      everyMs = 0;
      clearInterval(polling);
      local.removeAllListeners();
      subscriber.disconnect();
    },
  };
}
