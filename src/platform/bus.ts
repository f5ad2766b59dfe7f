/**
 * Wake-ups across processes: "something changed for account X / order Y". Redis pub/sub when REDIS_URL is
 * set (every node hears every message), an in-process emitter otherwise (one node). Messages are hints:
 * listeners re-read the database, so a lost message only delays them until their next read.
 */
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';

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
export function createRedisBus(redis: Redis, namespace = ''): EventBus {
  const subscriber = redis.duplicate();
  const prefix = namespace ? `${namespace}:` : '';
  const local = new EventEmitter();
  local.setMaxListeners(0);
  const counts = new Map<string, number>();
  subscriber.on('message', (channel: string, message: string) =>
    local.emit(channel.slice(prefix.length), message),
  );
  subscriber.on('error', () => undefined);
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
      local.removeAllListeners();
      subscriber.disconnect();
    },
  };
}
