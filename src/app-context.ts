/**
 * The whole context, above the domains: every domain's context joined. Surfaces, jobs, the runtime and
 * the command line use it; domains use only their own (and those of the domains below them).
 */
import type { AccountsContext } from './accounts/accounts-context.ts';
import type { OrdersContext } from './orders/orders-context.ts';

export interface AppContext extends OrdersContext, AccountsContext {}
