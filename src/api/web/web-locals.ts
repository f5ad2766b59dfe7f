/**
 * What a web page may do, as the locals of its request: the same domain verbs the API routes call,
 * bound to numpool's context. Pages (web/) import only these types, so no domain module is bundled
 * into the Astro build and no page reaches the database or holds a business rule.
 */
import type { AppContext } from '../../app-context.ts';
import { type Exploration, type ExploreQuery, exploreOffers } from '../../providers/explore-offers.ts';
import { getPoolStatus, type PoolState } from '../../providers/get-pool-status.ts';

export type { Exploration, ExploreQuery, PoolState };

export interface WebLocals {
  requestId: string;
  /** The origin customers reach (NUMPOOL_PUBLIC_URL). */
  publicUrl: string;
  /** Where handler-protocol clients point their base URL. */
  handlerApiUrl: string;
  exploreOffers(input: ExploreQuery): Promise<Exploration>;
  poolStatus(): Promise<{ state: PoolState }>;
}

export function webLocals(ctx: AppContext, requestId: string): WebLocals {
  const publicUrl = ctx.config.publicUrl.replace(/\/+$/, '');
  return {
    requestId,
    publicUrl,
    handlerApiUrl: `${publicUrl}/stubs/handler_api.php`,
    exploreOffers: (input) => exploreOffers({ ctx, input }),
    poolStatus: () => getPoolStatus({ ctx }),
  };
}
