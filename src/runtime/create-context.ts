import { Registry } from 'prom-client';
import { createApiKeyCache } from '../accounts/api-key-cache.ts';
import { WEBHOOK_FORMATS } from '../api/compat/handler/handler-webhook.ts';
import type { AppContext } from '../app-context.ts';
import { CatalogCache } from '../catalog/catalog-cache.ts';
import type { Config } from '../config.ts';
import { createMailer } from '../mail/mailer.ts';
import { OrderCache } from '../orders/order-cache.ts';
import type { EventBus } from '../platform/bus.ts';
import { type Clock, systemClock } from '../platform/clock.ts';
import type { Pool } from '../platform/db.ts';
import type { JobQueue } from '../platform/job-queue.ts';
import type { Logger } from '../platform/logger.ts';
import { RateLimits } from '../platform/rate-limits.ts';
import type { Redis } from '../platform/redis.ts';
import { createAdapter } from '../providers/adapter-factory.ts';
import type { HealthOptions } from '../providers/health.ts';
import { ProviderRuntime } from '../providers/provider-runtime.ts';

export interface ContextParts {
  pool: Pool;
  config: Config;
  log: Logger;
  secret: string;
  redis?: Redis | undefined;
  clock?: Clock;
  health?: Partial<HealthOptions>;
  bus: EventBus;
  queue: JobQueue;
  /** Namespace of the rate-limit counters; nodes sharing a Redis share limits under the same one. */
  rateLimitPrefix?: string;
}

/**
 * The same context on another pool: every cache, bus and queue shared, only the connections differ (the
 * request path and background work each draw from their own pool).
 */
export function onPool(ctx: AppContext, pool: Pool): AppContext {
  return { ...ctx, pool, db: pool, inTransaction: false, afterCommit: undefined };
}

export function createContext(parts: ContextParts): AppContext {
  const metrics = new Registry();
  return {
    pool: parts.pool,
    db: parts.pool,
    inTransaction: false,
    config: parts.config,
    log: parts.log,
    clock: parts.clock ?? systemClock,
    secret: parts.secret,
    redis: parts.redis,
    metrics,
    upstreams: new ProviderRuntime({ metrics, factory: createAdapter, health: parts.health }),
    catalogCache: new CatalogCache({ redis: parts.redis, log: parts.log, metrics }),
    apiKeyCache: createApiKeyCache(parts.bus),
    mailer: createMailer({ config: parts.config, log: parts.log }),
    bus: parts.bus,
    queue: parts.queue,
    rateLimits: new RateLimits(parts.redis, parts.rateLimitPrefix),
    orderCache: new OrderCache(parts.bus),
    webhookFormats: WEBHOOK_FORMATS,
  };
}
