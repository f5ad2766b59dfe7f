/**
 * What a web page may do, as the locals of its request: the same domain verbs the API routes call,
 * bound to numpool's context. Pages (web/) import only these types, so no domain module is bundled
 * into the Astro build and no page reaches the database or holds a business rule.
 */
import type { AppContext } from '../../app-context.ts';
import type { Logger } from '../../platform/logger.ts';
import { type Exploration, type ExploreQuery, exploreOffers } from '../../providers/explore-offers.ts';
import { getPoolStatus, type PoolState } from '../../providers/get-pool-status.ts';
import { outageRefusal } from '../plugins/service-refusal.ts';

export type { Exploration, ExploreQuery, PoolState };

/** How a page that failed is answered: a dependency outage is passing (503), anything else a fault (500). */
export type PageFailure = { kind: 'unavailable'; retryAfterSeconds: number } | { kind: 'fault' };

export interface WebLocals {
  requestId: string;
  /** The origin customers reach (NUMPOOL_PUBLIC_URL). */
  publicUrl: string;
  /** Where handler-protocol clients point their base URL. */
  handlerApiUrl: string;
  exploreOffers(input: ExploreQuery): Promise<Exploration>;
  poolStatus(): Promise<{ state: PoolState }>;
  /** Logs an error a page's rendering threw, with the request id, and says how to answer it. */
  pageFailed(error: unknown): PageFailure;
}

export function webLocals(
  ctx: AppContext,
  request: { id: string; log: Pick<Logger, 'warn' | 'error'> },
): WebLocals {
  const publicUrl = ctx.config.publicUrl.replace(/\/+$/, '');
  return {
    requestId: request.id,
    publicUrl,
    handlerApiUrl: `${publicUrl}/stubs/handler_api.php`,
    exploreOffers: (input) => exploreOffers({ ctx, input }),
    poolStatus: () => getPoolStatus({ ctx }),
    pageFailed: (error) => {
      // The same judgement and wording as the API's error mappers (smscode-errors.ts).
      const outage = outageRefusal(error);
      if (outage) {
        request.log.warn({ err: error }, 'a dependency is unavailable');
        return { kind: 'unavailable', retryAfterSeconds: outage.retryAfterSeconds };
      }
      request.log.error({ err: error }, 'unexpected error');
      return { kind: 'fault' };
    },
  };
}
