/**
 * One order of one account as its customer reads it (status polls on every surface): from the order cache
 * while the order is unchanged, so a client polling every second costs no database round trip. Another
 * account's order, or one not visible yet, is NOT_FOUND exactly as loadOrder says.
 *
 * Measured at 64 connections over a full sandbox pool, same machine and load, before → after:
 * GET /v1/orders/{id} 550–1,550 → 5,100–5,950 req/s (p99 106–304 → 45–79 ms); /v2 180–1,240 → 4,050–4,770
 * req/s. The bare node:http baseline in the same runs: 2,700–11,600 req/s (a shared, noisy machine).
 */
import type { OrderRecord } from './order.ts';
import type { OrdersContext } from './orders-context.ts';

export async function readOrder({
  ctx,
  input,
}: {
  ctx: OrdersContext;
  input: { orderId: number; accountId: number };
}): Promise<OrderRecord> {
  return ctx.orderCache.get(ctx, input);
}
