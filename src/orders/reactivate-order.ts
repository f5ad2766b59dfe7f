/**
 * Reactivation re-rents the same number of a COMPLETED order when its provider supports it. No provider
 * adapter offers re-use of a number yet, so every order answers can_reactivate=false and these verbs
 * refuse with CONFLICT — after the checks a client relies on (the order exists and is theirs, the key is
 * well-formed), in the contract's order.
 */
import { KEY_PATTERN } from '../idempotency/idempotency-key.ts';
import { DomainError } from '../platform/errors.ts';
import { capabilities } from './capabilities.ts';
import type { CreateOrdersResult } from './create-orders.ts';
import { loadOrder } from './load-order.ts';
import type { OrdersContext } from './orders-context.ts';

async function reactivatable(ctx: OrdersContext, accountId: number, orderId: number) {
  const order = await loadOrder({ ctx, input: { orderId, accountId } });
  if (!capabilities(order, ctx.clock.now()).canReactivate) {
    throw new DomainError('CONFLICT', 'this number cannot be reactivated');
  }
  return order;
}

export async function reactivationQuote({
  ctx,
  input,
}: {
  ctx: OrdersContext;
  input: { accountId: number; orderId: number };
}): Promise<{ cost: number }> {
  const order = await reactivatable(ctx, input.accountId, input.orderId);
  return { cost: order.amount };
}

export async function reactivateOrder({
  ctx,
  input,
}: {
  ctx: OrdersContext;
  input: {
    accountId: number;
    orderId: number;
    maxPrice?: number | undefined;
    idempotencyKey?: string | undefined;
  };
}): Promise<CreateOrdersResult> {
  if (input.idempotencyKey !== undefined && !KEY_PATTERN.test(input.idempotencyKey)) {
    throw new DomainError('VALIDATION_ERROR', 'idempotency-key must be 1-128 characters of A-Z a-z 0-9 _ -');
  }
  await reactivatable(ctx, input.accountId, input.orderId);
  // Once a provider can re-rent a number, the child order goes through createOrders' path, which checks
  // the abuse guard (assertNotBanned) before anything is held.
  throw new DomainError('CONFLICT', 'this number cannot be reactivated');
}
