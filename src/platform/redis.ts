/** Optional Redis: cross-node pub/sub, shared counters and caches. One node runs fine without it. */
import { Redis } from 'ioredis';
import type { Logger } from './logger.ts';

export function createRedis(url: string, log: Logger): Redis {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true });
  redis.on('error', (error) => log.warn({ err: error }, 'redis error'));
  return redis;
}

export type { Redis };
