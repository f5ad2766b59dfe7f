/**
 * The plain context passed to every verb: no container, no globals. This is its ground floor — what every
 * domain may use. Each domain extends it with the services it owns (catalog/catalog-context.ts, …), and
 * app-context.ts above the domains joins them; runtime/create-context.ts builds it once at start (or per
 * test).
 */
import type { Registry } from 'prom-client';
import type { Config } from '../config.ts';
import type { EventBus } from './bus.ts';
import type { Clock } from './clock.ts';
import type { DbContext } from './db.ts';
import type { JobQueue } from './job-queue.ts';
import type { Logger } from './logger.ts';
import type { RateLimits } from './rate-limits.ts';
import type { Redis } from './redis.ts';

export interface PlatformContext extends DbContext {
  config: Config;
  log: Logger;
  clock: Clock;
  secret: string;
  redis: Redis | undefined;
  metrics: Registry;
  /** Wake-ups for streams and long-polls (Redis pub/sub or in-process). */
  bus: EventBus;
  queue: JobQueue;
  rateLimits: RateLimits;
}
