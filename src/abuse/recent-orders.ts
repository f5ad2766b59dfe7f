/**
 * The window the guard judges: an account's last `windowOrders` finished orders (newest by id), counting
 * only orders that ended after its previous ban stopped blocking (ran out or was lifted) — orders that
 * ended before or during a ban were already judged, and must not trip the next one the moment the ban is
 * over.
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

/**
 * The window, and whether a ban is in force at `now` (the judge then has nothing to do), in one
 * statement: it runs in the transaction of every order that ends without an SMS.
 */
export async function recentOrders(
  db: Queryable,
  input: { accountId: number; now: Date; windowOrders: number },
): Promise<RecentOrders & { banInForce: boolean }> {
  // An expired order records no end of its own: it ended at its expiry (the sweep follows within seconds).
  const counted = await db.query<{ banInForce: boolean; orders: number; failed: number }>({
    name: 'abuse.recent-orders',
    text: `WITH last AS (
             SELECT until, lifted_at FROM abuse_bans WHERE account_id = $1 ORDER BY started_at DESC, id DESC LIMIT 1),
           recent AS (
             SELECT status FROM orders
             WHERE account_id = $1 AND status IN ('COMPLETED', 'CANCELED', 'EXPIRED')
               AND coalesce(canceled_at, completed_at, expires_at)
                   > coalesce((SELECT least(lifted_at, until) FROM last), '-infinity')
             ORDER BY id DESC LIMIT $3)
           SELECT coalesce((SELECT lifted_at IS NULL AND until > $2 FROM last), false) AS "banInForce",
                  (SELECT count(*)::int FROM recent) AS orders,
                  (SELECT count(*)::int FROM recent WHERE status <> 'COMPLETED') AS failed`,
    values: [input.accountId, input.now, input.windowOrders],
  });
  const { banInForce, orders, failed } = counted.rows[0]!;
  return { banInForce, orders, failed, failureRate: orders === 0 ? 0 : failed / orders };
}
