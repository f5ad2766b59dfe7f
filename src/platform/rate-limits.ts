/**
 * Named rate limits shared by every surface (a budget for "webhook test" is one budget whether it is
 * spent through /v1 or /v2), and the weighted counters behind the request limits
 * (api/plugins/request-limits.ts). Counters live in Redis when there is one — shared by all nodes — and
 * in memory otherwise.
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
  // Mail to one address (sign-up, verification, reset), whoever asks for it.
  mailPerAddress: { points: 10, duration: 3600 },
} as const;
export type LimitName = keyof typeof LIMITS;

/** Points spent by a key in the current window, and when the window ends. */
export interface Spent {
  points: number;
  msBeforeReset: number;
}

export class RateLimits {
  private readonly limiters = new Map<string, RateLimiterAbstract>();
  /** Points this node took from a shared counter and has not spent yet, per group and key. */
  private readonly reserved = new Map<string, { resetAt: number; left: number; shared: number }>();
  private readonly redis: Redis | undefined;
  private readonly prefix: string;

  /** prefix namespaces the counters (tests give each file its own). */
  constructor(redis?: Redis, prefix = 'numpool:rl') {
    this.redis = redis;
    this.prefix = prefix;
  }

  private limiter(name: string, options: { points: number; duration: number }): RateLimiterAbstract {
    let limiter = this.limiters.get(name);
    if (!limiter) {
      const settings = { ...options, keyPrefix: `${this.prefix}:${name}` };
      limiter = this.redis
        ? new RateLimiterRedis({ ...settings, storeClient: this.redis })
        : new RateLimiterMemory(settings);
      this.limiters.set(name, limiter);
    }
    return limiter;
  }

  /**
   * Adds `points` to `key`'s counter in `group` (fixed windows of windowMs) and says how many are spent;
   * refusing is the caller's decision.
   *
   * With Redis, a node takes points from the shared counter `batch` at a time and spends them locally
   * until they run out: one round trip per batch instead of one per request (handler getStatus at 64
   * connections: 12.6k → 27.2k req/s without any limiter; the batch takes back most of that). The
   * shared count runs ahead of what was really spent by at most one unspent batch per node — a key can
   * overspend by that much when its requests are spread over nodes; with batch 1 it is exact.
   */
  async spend(group: string, key: string, points: number, windowMs: number, batch = 1): Promise<Spent> {
    const duration = Math.max(1, Math.ceil(windowMs / 1000));
    const name = `${group}:${duration}`;
    if (!this.redis || batch <= 1) {
      const spent = await this.limiter(name, { points: 1, duration }).penalty(key, points);
      return { points: spent.consumedPoints, msBeforeReset: spent.msBeforeNext };
    }
    const now = Date.now();
    const id = `${name}|${key}`;
    const held = this.reserved.get(id);
    if (held && held.resetAt > now && held.left >= points) {
      held.left -= points;
      return { points: held.shared - held.left, msBeforeReset: held.resetAt - now };
    }
    const carried = held && held.resetAt > now ? held.left : 0;
    const take = Math.max(points - carried, batch);
    const spent = await this.limiter(name, { points: 1, duration }).penalty(key, take);
    if (this.reserved.size >= 100_000) this.reserved.clear();
    const entry = {
      resetAt: now + spent.msBeforeNext,
      left: carried + take - points,
      shared: spent.consumedPoints,
    };
    this.reserved.set(id, entry);
    return { points: entry.shared - entry.left, msBeforeReset: spent.msBeforeNext };
  }

  /** Gives back points spent by `key` in `group` (an attempt that turned out not to count). */
  async refund(group: string, key: string, points: number, windowMs: number): Promise<void> {
    const duration = Math.max(1, Math.ceil(windowMs / 1000));
    await this.limiter(`${group}:${duration}`, { points: 1, duration }).reward(key, points);
  }

  /** Forgets `key`'s counter in `group` (a successful login clears its account's failures). */
  async forget(group: string, key: string, windowMs: number): Promise<void> {
    const duration = Math.max(1, Math.ceil(windowMs / 1000));
    const name = `${group}:${duration}`;
    this.reserved.delete(`${name}|${key}`);
    await this.limiter(name, { points: 1, duration }).delete(key);
  }

  /** Spends one point for `key`; RATE_LIMIT_EXCEEDED (with retry_after_seconds) when none is left. */
  async consume(name: LimitName, key: string): Promise<void> {
    try {
      await this.limiter(name, LIMITS[name]).consume(key);
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
