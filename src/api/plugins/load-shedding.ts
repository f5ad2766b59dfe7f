/**
 * Load shedding with @fastify/under-pressure: once the event loop lags past NUMPOOL_SHED_EVENT_LOOP_DELAY_MS
 * (mean over a sample) or more than NUMPOOL_SHED_POOL_WAITING requests wait for a connection of the
 * request pool, new requests are refused at once — 503 SERVICE_UNAVAILABLE with Retry-After, in each
 * surface's format — instead of queueing into timeouts that slow every tenant. Background work has pools
 * of its own (runtime/open-runtime.ts), so it is neither measured nor shed here.
 *
 * Routes marked `config: { shed: false }` are always served: health probes (a shedding node must still
 * say it is alive) and provider pushes (a refused push may be an SMS its provider never sends again).
 */
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.ts';
import { registeredCounter } from './registered-counter.ts';
import { ServiceRefusal } from './service-refusal.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: never refused under load. */
    shed?: boolean;
  }
}

export const SHED_RETRY_AFTER_SECONDS = 5;
// The pool's queue is read this often; the event loop is sampled over SAMPLE_MS windows.
const POOL_CHECK_MS = 100;
const SAMPLE_MS = 500;

export async function registerLoadShedding(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { eventLoopDelayMs, poolWaiting } = ctx.config.shed;
  if (eventLoopDelayMs === 0 && poolWaiting === 0) return;
  const shed = registeredCounter(ctx.metrics, {
    name: 'numpool_requests_shed_total',
    help: 'Requests refused with 503 under load, by what was over its threshold',
    labelNames: ['reason'],
  });
  await app.register(underPressure, {
    maxEventLoopDelay: eventLoopDelayMs,
    sampleInterval: SAMPLE_MS,
    ...(poolWaiting > 0
      ? {
          healthCheck: async () => ctx.pool.waitingCount <= poolWaiting,
          healthCheckInterval: POOL_CHECK_MS,
        }
      : {}),
    pressureHandler: (request, _reply, type) => {
      if (request.routeOptions.config.shed === false) return undefined;
      shed.inc({ reason: type === 'healthCheck' ? 'poolWaiting' : type });
      // Rejected, the refusal reaches the route's error handler: each surface answers in its own format.
      return Promise.reject(
        new ServiceRefusal(
          'SERVICE_UNAVAILABLE',
          'the service is under load; retry shortly',
          SHED_RETRY_AFTER_SECONDS,
        ),
      );
    },
  });
}
