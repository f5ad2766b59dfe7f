/**
 * The window the guard judges: an account's last `windowOrders` finished orders (newest by id), counting
 * only orders that ended after its previous ban stopped blocking — orders that ended before or during a
 * ban were already judged, and must not trip the next one the moment the ban is over.
 *
 * Finished means COMPLETED, CANCELED or EXPIRED. Failed means ended without an SMS: CANCELED (only an
 * order without an SMS can be canceled) and EXPIRED (an expiring order with an SMS completes instead).
 * Neither FAILED (provisioning found no number: never the customer's doing, never shown) nor an
 * operator's refund after completion (the SMS came) counts as a failure.
 */
import type { Queryable } from '../platform/db.ts';

export interface RecentOrders {
  orders: number;
  failed: number;
  /** failed / orders, 0 without orders. */
  failureRate: number;
}

export async function recentOrders(
  db: Queryable,
  input: { accountId: number; endedAfter: Date | null; windowOrders: number },
): Promise<RecentOrders> {
  // An expired order records no end of its own: it ended at its expiry (the sweep follows within seconds).
  const counted = await db.query<{ orders: number; failed: number }>({
    name: 'abuse.recent-orders',
    text: `SELECT count(*)::int AS orders, count(*) FILTER (WHERE status <> 'COMPLETED')::int AS failed
           FROM (SELECT status FROM orders
                 WHERE account_id = $1 AND status IN ('COMPLETED', 'CANCELED', 'EXPIRED')
                   AND coalesce(canceled_at, completed_at, expires_at) > coalesce($2::timestamptz, '-infinity')
                 ORDER BY id DESC LIMIT $3) recent`,
    values: [input.accountId, input.endedAfter, input.windowOrders],
  });
  const { orders, failed } = counted.rows[0]!;
  return { orders, failed, failureRate: orders === 0 ? 0 : failed / orders };
}
