/**
 * Recently read orders, so a client polling an activation every second costs no database round trip while
 * nothing changes. Every order change publishes on ORDER_CHANGES (after commit, through the bus, so all
 * nodes hear it) and evicts the entry; a short TTL bounds staleness should a message be lost. The node that
 * made the change also evicts at once, before its answer leaves: with Redis the bus message comes back
 * only after a round trip, and the client that changed an order must not read it unchanged.
 */
import { LRUCache } from 'lru-cache';
import { BUS_RESYNC, type EventBus } from '../platform/bus.ts';
import type { DbContext } from '../platform/db.ts';
import { onCommit } from '../platform/db.ts';
import { loadOrder } from './load-order.ts';
import type { OrderRecord } from './order.ts';

export const ORDER_CHANGES = 'numpool:order-changes';
const TTL_MS = 10_000;

export class OrderCache {
  private readonly entries = new LRUCache<number, OrderRecord>({ max: 100_000, ttl: TTL_MS });
  /** Bumped by every change of an order: a read that raced a change is not kept. */
  private generation = 0;
  private readonly unsubscribe: () => void;

  constructor(bus: EventBus) {
    this.unsubscribe = bus.subscribe(ORDER_CHANGES, (message) =>
      message === BUS_RESYNC ? this.forgetAll() : this.forget(Number(message)),
    );
  }

  /** The order changed: drop it, and keep no read that may have raced the change. */
  forget(orderId: number): void {
    this.generation++;
    this.entries.delete(orderId);
  }

  /** Changes may have been missed (the bus was down): nothing cached can be trusted. */
  forgetAll(): void {
    this.generation++;
    this.entries.clear();
  }

  /** The account's visible order, from cache when it has not changed. */
  async get(ctx: DbContext, input: { orderId: number; accountId: number }): Promise<OrderRecord> {
    const cached = this.entries.get(input.orderId);
    if (cached && cached.accountId === input.accountId) return cached;
    const generation = this.generation;
    const order = await loadOrder({ ctx, input });
    if (generation === this.generation) this.entries.set(order.id, order);
    return order;
  }

  close(): void {
    this.unsubscribe();
    this.entries.clear();
  }
}

/** Announces, once the transaction commits, that an order changed. */
export function announceOrderChange(
  ctx: DbContext & { bus: EventBus; orderCache?: OrderCache },
  orderId: number,
): void {
  onCommit(ctx, () => {
    ctx.orderCache?.forget(orderId);
    return ctx.bus.publish(ORDER_CHANGES, String(orderId));
  });
}
