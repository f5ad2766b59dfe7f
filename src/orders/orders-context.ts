import type { DeliveryContext } from '../delivery/delivery-context.ts';
import type { ProvidersContext } from '../providers/providers-context.ts';
import type { OrderCache } from './order-cache.ts';

/** What order verbs use: providers (and through them the catalog), delivery, and the order cache. */
export interface OrdersContext extends ProvidersContext, DeliveryContext {
  orderCache: OrderCache;
}
