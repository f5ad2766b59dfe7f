/**
 * The platform accounts keep no running totals (every order would contend on their row), so their
 * balances exist only as sums over transfers. Here each is compared with what it stands for, summed from
 * the orders and the wallets:
 *
 * - platform:revenue, posted: the amount of every charged order less its provider cost, less the amount
 *   of every refunded one; pending: the amount of every order whose money is held (provisioning, or
 *   active without an SMS).
 * - platform:funding, posted: minus every deposit and operator credit, i.e. minus (all the wallets' stored
 *   credits less the refunds they received), plus what operators debited from wallets. Those debits are
 *   summed from their transfers: the wallets' stored debits cannot tell them from charges without
 *   coupling this check to every order fault; wallet_totals holds the wallets' side of each of them.
 * - platform:provider_payable, posted: the provider cost (orders.cost_idr) of every charged order.
 * - platform:gateway:<code>, posted: minus what its top-ups were paid (credited, and re-credited after a
 *   won dispute), plus what refunds and disputes took back — summed from the topups rows. The wallets'
 *   credits from top-ups (deposits, the customer's share of re-credits, bonuses given and restored) are
 *   not funding's, so funding leaves them out (from the same rows).
 * - platform:topup_fees, posted: the fees charged, less the fee's share of what was taken back, plus its
 *   share of what won disputes re-credited; platform:topup_bonuses the reverse for bonuses (it gives them).
 *
 * A balance is credits minus debits. One row per account that disagrees: ("check", record, detail).
 */
import {
  FUNDING,
  GATEWAY_PREFIX,
  isCharged,
  isHeld,
  PROVIDER_PAYABLE,
  REVENUE,
  referencedOrder,
  TOPUP_BONUSES,
  TOPUP_FEES,
  TOTALS_FROM_TRANSFERS,
  takenShare,
} from './sql-fragments.ts';

/** Per topups row `tp`: the fee's and the bonus's shares of what was taken back and re-credited. */
const share = (kind: 'fee' | 'bonus', column: string) => takenShare(kind, 'tp', `tp.${column}`);

const PLATFORM_BALANCE = `
  WITH refunded AS (
    SELECT DISTINCT ${referencedOrder('external_id')} AS order_id FROM transfers WHERE code = 'order_refund'),
  from_orders AS (
    SELECT coalesce(sum(o.amount) FILTER (WHERE ${isCharged('o')}), 0)::bigint AS charged,
      coalesce(sum(o.cost_idr) FILTER (WHERE ${isCharged('o')}), 0)::bigint AS cost,
      coalesce(sum(o.amount) FILTER (WHERE r.order_id IS NOT NULL), 0)::bigint AS refunded,
      coalesce(sum(o.amount) FILTER (WHERE ${isHeld('o')}), 0)::bigint AS held
    FROM orders o LEFT JOIN refunded r ON r.order_id = o.id),
  from_wallets AS (
    SELECT coalesce(sum(credits_posted), 0)::bigint AS credited,
      (SELECT coalesce(sum(amount), 0) FROM transfers WHERE code = 'manual_debit')::bigint AS debited_by_hand
    FROM ledger_accounts WHERE kind = 'wallet'),
  from_topups AS (
    SELECT tp.gateway, sum(coalesce(tp.credited_idr, 0) + tp.dispute_reversed_idr)::bigint AS paid_in,
      sum(tp.refunded_idr + tp.disputed_idr)::bigint AS taken_back,
      sum(coalesce(tp.credited_idr, 0) + ${takenShare('net', 'tp', 'tp.dispute_reversed_idr')} + tp.bonus_idr
        + ${share('bonus', 'dispute_reversed_idr')})::bigint AS into_wallets,
      sum(tp.fee_idr - ${share('fee', 'refunded_idr')} - ${share('fee', 'disputed_idr')}
        + ${share('fee', 'dispute_reversed_idr')})::bigint AS fees,
      sum(tp.bonus_idr - ${share('bonus', 'refunded_idr')} - ${share('bonus', 'disputed_idr')}
        + ${share('bonus', 'dispute_reversed_idr')})::bigint AS bonuses
    FROM topups tp GROUP BY tp.gateway),
  topups_paid_in AS (
    SELECT coalesce(sum(into_wallets), 0)::bigint AS paid_in, coalesce(sum(fees), 0)::bigint AS fees,
      coalesce(sum(bonuses), 0)::bigint AS bonuses
    FROM from_topups),
  expected (code, posted, pending) AS (
    SELECT '${REVENUE}', o.charged - o.cost - o.refunded, o.held FROM from_orders o
    UNION ALL SELECT '${FUNDING}', -(w.credited - o.refunded - g.paid_in) + w.debited_by_hand, 0
      FROM from_wallets w, from_orders o, topups_paid_in g
    UNION ALL SELECT '${PROVIDER_PAYABLE}', o.cost, 0 FROM from_orders o
    UNION ALL SELECT '${TOPUP_FEES}', g.fees, 0 FROM topups_paid_in g
    UNION ALL SELECT '${TOPUP_BONUSES}', -g.bonuses, 0 FROM topups_paid_in g
    UNION ALL SELECT '${GATEWAY_PREFIX}' || t.gateway, t.taken_back - t.paid_in, 0 FROM from_topups t),
  derived AS (
    SELECT la.code, coalesce(t.credits_posted - t.debits_posted, 0) AS posted,
      coalesce(t.credits_pending - t.debits_pending, 0) AS pending
    FROM ledger_accounts la LEFT JOIN (${TOTALS_FROM_TRANSFERS}) t ON t.account_id = la.id
    WHERE la.kind = 'platform')
  SELECT 'platform_balance' AS "check", d.code AS record,
    format('its transfers say %s posted and %s pending; the orders and wallets it stands for say %s and %s',
      d.posted, d.pending, coalesce(e.posted, 0), coalesce(e.pending, 0)) AS detail
  FROM derived d LEFT JOIN expected e ON e.code = d.code
  WHERE (d.posted, d.pending) IS DISTINCT FROM (coalesce(e.posted, 0), coalesce(e.pending, 0))`;

export const PLATFORM_INVARIANTS = [PLATFORM_BALANCE];
