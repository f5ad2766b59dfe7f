/**
 * Named rate limits shared by every surface (a budget for "webhook test" is one budget whether it is
 * spent through /v1 or /v2). Counters live in Redis when there is one — shared by all nodes — and in
 * memory otherwise.
 */
import type { Redis } from 'ioredis';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { DomainError } from './errors.ts';

export const LIMITS = {
  webhookTest: { points: 5, duration: 60 },
} as const;
export type LimitName = keyof typeof LIMITS;

export class RateLimits {
  private readonly limiters = new Map<LimitName, RateLimiterAbstract>();
  private readonly redis: Redis | undefined;

  constructor(redis?: Redis) {
    this.redis = redis;
  }

  private limiter(name: LimitName): RateLimiterAbstract {
    let limiter = this.limiters.get(name);
    if (!limiter) {
      const options = { ...LIMITS[name], keyPrefix: `numpool:rl:${name}` };
      limiter = this.redis
        ? new RateLimiterRedis({ ...options, storeClient: this.redis })
        : new RateLimiterMemory(options);
      this.limiters.set(name, limiter);
    }
    return limiter;
  }

  /** Spends one point for `key`; RATE_LIMIT_EXCEEDED (with retry_after_seconds) when none is left. */
  async consume(name: LimitName, key: string): Promise<void> {
    try {
      await this.limiter(name).consume(key);
    } catch (error) {
      if (error instanceof RateLimiterRes) {
        throw new DomainError('RATE_LIMIT_EXCEEDED', 'too many requests; retry later', {
          retry_after_seconds: Math.max(1, Math.ceil(error.msBeforeNext / 1000)),
        });
      }
      throw error;
    }
  }
}
