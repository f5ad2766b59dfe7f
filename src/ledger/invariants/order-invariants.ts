/**
 * Invariants between orders and their money. orders.amount, status and sms_revision are written by the
 * order verbs; holds, posts, voids and refunds are transfers — two records of one fact, compared here.
 * Each query yields one row per violation: ("check", record, detail).
 */
import {
  HOLD_STATE,
  isCharged,
  isHeld,
  namesOrder,
  RESOLUTIONS,
  referencedOrder,
  TERMINAL_STATUSES,
} from './sql-fragments.ts';

/**
 * Per order, against its current hold (orders.hold_transfer_id):
 * - order_amount: the order's amount is its hold's amount.
 * - order_hold: the hold is a pending order_hold, from the order's own wallet, naming this order.
 * - terminal_hold_pending: a finished order (completed, canceled, expired, failed) holds no money.
 * - order_charge: a charged order (an SMS arrived) has its hold posted exactly once, for its amount; an
 *   order without an SMS is never posted. (A post of a replaced hold is named by superseded_hold.)
 * - order_hold_state: an order without an SMS has its hold pending while open and voided once closed.
 * The state checks are exclusive (the first that applies is reported), so one fault is named once.
 */
const ORDER_MONEY = `
  WITH state AS (
    SELECT o.id, o.status, o.amount, ${isCharged('o')} AS charged, ${isHeld('o')} AS held,
      h.id AS hold_id, h.amount AS hold_amount,
      coalesce(h.kind = 'pending' AND h.code = 'order_hold' AND h.debit_account_id = w.id
        AND ${namesOrder('h.external_id', 'o.id')}, false) AS hold_is_own,
      ${HOLD_STATE} AS hold_state, coalesce(r.posts, 0) AS posts, r.posted_amount
    FROM orders o
    LEFT JOIN transfers h ON h.id = o.hold_transfer_id
    LEFT JOIN (${RESOLUTIONS}) r ON r.pending_id = h.id
    LEFT JOIN ledger_accounts w ON w.account_id = o.account_id),
  judged AS (
    SELECT s.*, CASE
      WHEN NOT s.hold_is_own THEN 'order_hold'
      WHEN s.status IN ${TERMINAL_STATUSES} AND s.hold_state = 'pending' THEN 'terminal_hold_pending'
      WHEN s.charged AND (s.posts <> 1 OR s.posted_amount <> s.amount) THEN 'order_charge'
      WHEN NOT s.charged AND s.posts > 0 THEN 'order_charge'
      WHEN s.hold_state <> CASE WHEN s.charged THEN 'posted' WHEN s.held THEN 'pending' ELSE 'voided' END
        THEN 'order_hold_state'
    END AS problem
    FROM state s)
  SELECT v."check", 'order:' || j.id AS record, v.detail
  FROM judged j CROSS JOIN LATERAL (VALUES
    ('order_amount', CASE WHEN j.hold_amount <> j.amount
      THEN format('amount %s, but its hold %s is for %s', j.amount, j.hold_id, j.hold_amount) END),
    (j.problem, CASE j.problem
      WHEN 'order_hold' THEN CASE WHEN j.hold_id IS NULL THEN 'has no hold'
        ELSE format('hold %s is not a pending order_hold of this order from its wallet', j.hold_id) END
      WHEN 'terminal_hold_pending' THEN format('is %s but hold %s is still pending', j.status, j.hold_id)
      WHEN 'order_charge' THEN CASE WHEN j.charged
        THEN format('is %s after an SMS: hold %s is %s, posted %s time(s), for %s; amount %s',
          j.status, j.hold_id, j.hold_state, j.posts, coalesce(j.posted_amount::text, 'nothing'), j.amount)
        ELSE format('is %s without an SMS but hold %s was posted %s time(s)', j.status, j.hold_id, j.posts) END
      WHEN 'order_hold_state' THEN format('is %s but hold %s is %s', j.status, j.hold_id, j.hold_state)
    END)) AS v("check", detail)
  -- Filter first: the details are formatted only for the few orders at fault.
  WHERE (j.problem IS NOT NULL OR j.hold_amount <> j.amount) AND v.detail IS NOT NULL`;

/**
 * A hold that is no order's current hold — replaced when failover re-priced the order, or naming no order
 * at all — is voided. Only those few holds have their reference parsed, to name the order.
 */
const SUPERSEDED_HOLD = `
  WITH stray AS (
    SELECT h.id, h.external_id, ${HOLD_STATE} AS hold_state
    FROM transfers h LEFT JOIN (${RESOLUTIONS}) r ON r.pending_id = h.id
    WHERE h.code = 'order_hold' AND (r.pending_id IS NULL OR r.posts > 0)
      AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.hold_transfer_id = h.id))
  SELECT 'superseded_hold' AS "check", 'transfer:' || s.id AS record,
    CASE WHEN o.id IS NULL THEN format('hold %s names no order and is %s', s.external_id, s.hold_state)
      ELSE format('hold of order %s is not its current hold (%s) and is %s', o.id,
        coalesce(o.hold_transfer_id::text, 'none'), s.hold_state)
    END AS detail
  FROM stray s LEFT JOIN orders o ON o.id = ${referencedOrder('s.external_id')}`;

/** A refund returns a charged order's amount to its own wallet, once. */
const ORDER_REFUND = `
  WITH refunds AS (
    SELECT t.id, t.amount, t.credit_account_id, o.id AS order_id, o.amount AS order_amount,
      ${isCharged('o')} AS charged, w.id AS wallet_id,
      count(*) OVER (PARTITION BY o.id) AS refund_count
    FROM transfers t
    LEFT JOIN orders o ON o.id = ${referencedOrder('t.external_id')}
    LEFT JOIN ledger_accounts w ON w.account_id = o.account_id
    WHERE t.code = 'order_refund')
  SELECT 'order_refund' AS "check", coalesce('order:' || order_id, 'transfer:' || id) AS record,
    CASE
      WHEN order_id IS NULL THEN format('refund %s names no order', id)
      WHEN NOT charged THEN format('refund %s of an order that was not charged', id)
      WHEN amount <> order_amount THEN format('refund %s is for %s; the order''s amount is %s', id, amount, order_amount)
      WHEN credit_account_id <> wallet_id THEN format('refund %s went to another wallet', id)
      WHEN refund_count > 1 THEN format('refunded %s times (refund %s)', refund_count, id)
    END AS detail
  FROM refunds
  WHERE order_id IS NULL OR NOT charged OR amount <> order_amount OR credit_account_id <> wallet_id OR refund_count > 1`;

/**
 * order_cost: a charged order books its provider cost (orders.cost_idr) from revenue to provider payable
 * once, for exactly that cost; an order that was not charged books none. A stray cost names its transfer.
 */
const ORDER_COST = `
  WITH costs AS (
    SELECT ${referencedOrder('t.external_id')} AS order_id, count(*) AS n, sum(t.amount) AS booked,
      min(t.id) AS transfer_id
    FROM transfers t WHERE t.code = 'order_cost' GROUP BY 1),
  expected AS (
    SELECT o.id, CASE WHEN ${isCharged('o')} THEN coalesce(o.cost_idr, 0) ELSE 0 END AS cost
    FROM orders o)
  SELECT 'order_cost' AS "check",
    CASE WHEN e.id IS NULL THEN 'transfer:' || c.transfer_id ELSE 'order:' || e.id END AS record,
    CASE
      WHEN e.id IS NULL THEN format('provider cost %s names no order', c.transfer_id)
      WHEN c.n > 1 THEN format('its provider cost is booked %s times', c.n)
      ELSE format('its provider cost is %s; the ledger booked %s', e.cost, coalesce(c.booked, 0))
    END AS detail
  FROM expected e FULL JOIN costs c ON c.order_id = e.id
  WHERE e.id IS NULL OR coalesce(c.n, 0) > 1 OR coalesce(c.booked, 0) <> e.cost`;

export const ORDER_INVARIANTS = [ORDER_MONEY, SUPERSEDED_HOLD, ORDER_REFUND, ORDER_COST];
