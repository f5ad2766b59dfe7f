/**
 * The plain context passed to every verb: no container, no globals. Built once at start (or per test) by
 * runtime/create-context.ts.
 */
import type { Registry } from 'prom-client';
import type { ApiKeyCache } from '../accounts/authenticate-api-key.ts';
import type { CatalogCache } from '../catalog/catalog-cache.ts';
import type { Config } from '../config.ts';
import type { WebhookFormats } from '../delivery/webhooks/enqueue-webhook.ts';
import type { OrderCache } from '../orders/order-cache.ts';
import type { ProviderRuntime } from '../providers/provider-runtime.ts';
import type { EventBus } from './bus.ts';
import type { Clock } from './clock.ts';
import type { DbContext } from './db.ts';
import type { JobQueue } from './job-queue.ts';
import type { Logger } from './logger.ts';
import type { RateLimits } from './rate-limits.ts';
import type { Redis } from './redis.ts';

export interface AppContext extends DbContext {
  config: Config;
  log: Logger;
  clock: Clock;
  secret: string;
  redis: Redis | undefined;
  metrics: Registry;
  upstreams: ProviderRuntime;
  catalogCache: CatalogCache;
  apiKeyCache: ApiKeyCache;
  /** Wake-ups for streams and long-polls (Redis pub/sub or in-process). */
  bus: EventBus;
  queue: JobQueue;
  rateLimits: RateLimits;
  orderCache: OrderCache;
  webhookFormats: WebhookFormats;
}
