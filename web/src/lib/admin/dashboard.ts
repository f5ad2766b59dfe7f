/**
 * The dashboard's series, read from the latest orders the operators' API lists: what was ordered each
 * minute, what the orders with a code brought in and kept after the provider's cost, how many ended with
 * a code, and how long the code took. Display arithmetic only; the ledger stays the record of money.
 */
import type { AdminOrder } from './api-types.ts';

/** Statuses in which the SMS arrived, so the customer was charged. */
const DELIVERED = new Set(['OTP_RECEIVED', 'COMPLETED']);
/** Statuses in which the order ended without one. */
const UNDELIVERED = new Set(['CANCELED', 'EXPIRED', 'FAILED']);

export interface Bucket {
  /** The bucket's first instant. */
  start: Date;
  orders: number;
  /** IDR the delivered orders were charged. */
  revenue: number;
  /** Revenue less the providers' cost. */
  margin: number;
  delivered: number;
  undelivered: number;
  /** Median milliseconds from the number to its first code, or null with no code in the bucket. */
  medianTimeToCodeMs: number | null;
}

export interface Dashboard {
  buckets: Bucket[];
  totals: Omit<Bucket, 'start'>;
  /** Delivered of the orders that have ended, or null when none has. */
  deliveryRate: number | null;
}

const median = (values: number[]): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const timeToCode = (order: AdminOrder): number | null =>
  order.otp_received_at && order.activated_at
    ? Math.max(0, Date.parse(order.otp_received_at) - Date.parse(order.activated_at))
    : null;

function summarize(orders: AdminOrder[]): Omit<Bucket, 'start'> {
  const delivered = orders.filter((o) => DELIVERED.has(o.status));
  const revenue = delivered.reduce((sum, o) => sum + o.amount, 0);
  const cost = delivered.reduce((sum, o) => sum + (o.cost_idr ?? 0), 0);
  return {
    orders: orders.length,
    revenue,
    margin: revenue - cost,
    delivered: delivered.length,
    undelivered: orders.filter((o) => UNDELIVERED.has(o.status)).length,
    medianTimeToCodeMs: median(delivered.map(timeToCode).filter((ms): ms is number => ms !== null)),
  };
}

/** Orders placed in the `count` buckets of `bucketMinutes` that end with the current minute. */
export function dashboardOf(
  orders: AdminOrder[],
  options: { now: Date; bucketMinutes: number; count: number },
): Dashboard {
  const size = options.bucketMinutes * 60_000;
  const end = Math.floor(options.now.getTime() / 60_000) * 60_000 + 60_000;
  const first = end - size * options.count;
  const inWindow = orders.filter((o) => {
    const at = Date.parse(o.created_at);
    return at >= first && at < end;
  });
  const buckets = Array.from({ length: options.count }, (_, i) => {
    const start = first + i * size;
    const within = inWindow.filter((o) => {
      const at = Date.parse(o.created_at);
      return at >= start && at < start + size;
    });
    return { start: new Date(start), ...summarize(within) };
  });
  const totals = summarize(inWindow);
  const ended = totals.delivered + totals.undelivered;
  return { buckets, totals, deliveryRate: ended ? totals.delivered / ended : null };
}

/** A bucket's delivery rate, or null when none of its orders has ended. */
export function deliveryRateOf(bucket: Bucket): number | null {
  const ended = bucket.delivered + bucket.undelivered;
  return ended ? bucket.delivered / ended : null;
}
