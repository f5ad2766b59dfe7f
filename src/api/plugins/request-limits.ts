/**
 * Request rate limits for the customer surfaces (/v1, /v2, the handler API, /api, /admin/api), built on
 * @fastify/rate-limit. A request with a valid key is counted against that key (its id, never the
 * secret); one without — a missing or bad key, a public handler action — against its client address. So
 * one tenant's flood cannot lock out another tenant behind the same address, and key guessing is
 * throttled. Provider push hooks (authenticated by their own secret) and /healthz, /readyz are not
 * limited: they never pass through here.
 *
 * Each request costs its weight (request-weights.ts) out of one budget per window. The plugin counts one
 * per request; a per-route max (budget / weight) with its own counter would give every weight class a
 * budget of its own, all spendable at once. So the plugin's store is ours: each limiter (one per group
 * and weight, made with createRateLimit) gets a child store that adds its weight to the single counter of
 * that key (platform/rate-limits.ts: in Redis when configured, shared by every node; in memory
 * otherwise). The plugin still decides: current > max is refused, with the window's remaining time.
 *
 * The check runs where each surface resolves the key (api-key-auth.ts; the handler route, whose key may
 * come in a form body), because only there is the principal known; the plugin's route hooks stay off.
 * A Redis failure lets requests through (skipOnError) rather than failing the API.
 */
import rateLimit, { type FastifyRateLimitStore } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context.ts';
import { clientBucketOf } from '../../platform/client-address.ts';
import type { RateLimits } from '../../platform/rate-limits.ts';
import { registeredCounter } from './registered-counter.ts';
import { ServiceRefusal } from './service-refusal.ts';

export interface RequestLimits {
  /**
   * Spends `weight` from the budget of request.principal's key (of the client address without one);
   * throws a RATE_LIMIT_EXCEEDED ServiceRefusal once the budget is spent.
   */
  spend(request: FastifyRequest, reply: FastifyReply, weight: number): Promise<void>;
}

export const UNLIMITED: RequestLimits = { spend: async () => undefined };

type Group = 'key' | 'ip';
interface LimiterOptions {
  group?: Group;
  weight?: number;
  max?: unknown;
}

/** Points a node takes from the shared counter at once: 1 % of the budget (so small budgets stay exact). */
const batchFor = (max: unknown) => (typeof max === 'number' ? Math.max(1, Math.floor(max / 100)) : 1);

function weightedStore(counters: RateLimits) {
  return class WeightedStore implements FastifyRateLimitStore {
    private readonly group: Group | undefined;
    private readonly weight: number;
    private readonly batch: number;

    constructor(options: LimiterOptions) {
      this.group = options.group;
      this.weight = options.weight ?? 1;
      this.batch = batchFor(options.max);
    }

    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number,
    ): void {
      counters.spend(`req-${this.group ?? 'any'}`, key, this.weight, timeWindow, this.batch).then(
        (spent) => callback(null, { current: spent.points, ttl: spent.msBeforeReset }),
        (error: Error) => callback(error),
      );
    }

    child(options: unknown): FastifyRateLimitStore {
      return new WeightedStore(options as LimiterOptions);
    }
  };
}

/** The budget a request with a valid key spends: its key's (by id, never the secret). */
// A key spends its own budget; a session spends its account's.
const keyBudgetOf = ({ principal }: FastifyRequest) =>
  principal?.apiKeyId !== undefined ? `k${principal.apiKeyId}` : `a${principal?.accountId}`;

function limitHeaders(reply: FastifyReply, max: number, remaining: number, resetSeconds: number): void {
  reply.header('x-ratelimit-limit', max);
  reply.header('x-ratelimit-remaining', remaining);
  reply.header('x-ratelimit-reset', resetSeconds);
}

export async function registerRequestLimits(app: FastifyInstance, ctx: AppContext): Promise<RequestLimits> {
  const { enabled, keyMax, ipMax, windowSeconds } = ctx.config.rateLimit;
  if (!enabled) return UNLIMITED;
  await app.register(rateLimit, {
    global: false,
    store: weightedStore(ctx.rateLimits),
    timeWindow: windowSeconds * 1000,
    skipOnError: true,
  });

  const limited = registeredCounter(ctx.metrics, {
    name: 'numpool_requests_rate_limited_total',
    help: 'Requests refused with 429, by whose budget was spent (key or address)',
    labelNames: ['by'],
  });

  type Limiter = ReturnType<FastifyInstance['createRateLimit']>;
  const limiters = new Map<string, Limiter>();
  const limiterFor = (group: Group, weight: number): Limiter => {
    const name = `${group}:${weight}`;
    let limiter = limiters.get(name);
    if (!limiter) {
      const options: Parameters<FastifyInstance['createRateLimit']>[0] & LimiterOptions = {
        group,
        weight,
        max: group === 'key' ? keyMax : ipMax,
        // Without a key generator the plugin keys by address (IPv6 by its /64).
        ...(group === 'key' ? { keyGenerator: keyBudgetOf } : {}),
      };
      limiter = app.createRateLimit(options);
      limiters.set(name, limiter);
    }
    return limiter;
  };

  // A budget found spent stays spent until its window ends (windows are fixed): until then this node
  // refuses that key or address without asking the store again, so a flood's 429s cost no Redis round
  // trip. Bounded: entries go when their window ends, and a full map is cleared.
  const spentUntil = new Map<string, { until: number; max: number }>();
  const refuse = (request: FastifyRequest, group: Group, retryAfterSeconds: number): never => {
    limited.inc({ by: group });
    throw new ServiceRefusal(
      'RATE_LIMIT_EXCEEDED',
      request.principal
        ? 'too many requests for this API key; retry later'
        : 'too many requests from this address; retry later',
      Math.max(1, retryAfterSeconds),
    );
  };

  return {
    async spend(request, reply, weight) {
      if (weight <= 0) return;
      const group = request.principal ? 'key' : 'ip';
      const who = group === 'key' ? keyBudgetOf(request) : `a${clientBucketOf(request.ip)}`;
      const spent = spentUntil.get(who);
      if (spent) {
        const resetSeconds = Math.ceil((spent.until - Date.now()) / 1000);
        if (resetSeconds > 0) {
          limitHeaders(reply, spent.max, 0, resetSeconds);
          refuse(request, group, resetSeconds);
        }
        spentUntil.delete(who);
      }
      const result = await limiterFor(group, weight)(request);
      if (result.isAllowed) return;
      limitHeaders(reply, result.max, result.remaining, result.ttlInSeconds);
      if (!result.isExceeded) return;
      if (result.remaining === 0 && result.ttl > 0) {
        if (spentUntil.size >= 100_000) spentUntil.clear();
        spentUntil.set(who, { until: Date.now() + result.ttl, max: result.max });
      }
      refuse(request, group, result.ttlInSeconds);
    },
  };
}
