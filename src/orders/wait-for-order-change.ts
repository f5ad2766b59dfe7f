/**
 * Long-poll: an order's view, returned as soon as the order changes (or when the wait runs out). The
 * subscription is taken before the order is read, so a change in between is not missed. An order that
 * can no longer change, or that already moved past `afterRevision`, answers at once; so does every wait
 * when `signal` aborts (the server is closing).
 */
import { loadOrder } from './load-order.ts';
import { isOpen, type OrderRecord } from './order.ts';
import { orderChannel } from './order-events.ts';
import type { OrdersContext } from './orders-context.ts';

export const MAX_WAIT_SECONDS = 60;

export async function waitForOrderChange({
  ctx,
  input,
}: {
  ctx: OrdersContext;
  input: {
    orderId: number;
    accountId: number;
    waitSeconds: number;
    afterRevision?: number | undefined;
    signal?: AbortSignal | undefined;
  };
}): Promise<OrderRecord> {
  let wake: () => void = () => undefined;
  const changed = new Promise<void>((resolve) => {
    wake = resolve;
  });
  const unsubscribe = ctx.bus.subscribe(orderChannel(input.orderId), () => wake());
  input.signal?.addEventListener('abort', () => wake(), { once: true });
  try {
    const order = await loadOrder({ ctx, input: { orderId: input.orderId, accountId: input.accountId } });
    const alreadyNewer = input.afterRevision !== undefined && order.smsRevision > input.afterRevision;
    if (!isOpen(order.status) || alreadyNewer || input.waitSeconds <= 0 || input.signal?.aborted)
      return order;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.min(input.waitSeconds, MAX_WAIT_SECONDS) * 1000);
    });
    await Promise.race([changed, timeout]);
    clearTimeout(timer);
    return loadOrder({ ctx, input: { orderId: input.orderId, accountId: input.accountId } });
  } finally {
    unsubscribe();
  }
}
