/**
 * Invariants between top-ups (payments/) and their money. The topups row records what was credited,
 * refunded, disputed, re-credited and owed; the transfers move it — two records of one fact, compared
 * here. Each query yields one row per violation: ("check", record, detail); a top-up is `topup:<id>`.
 */
import { GATEWAY_PREFIX, referencedTopup } from './sql-fragments.ts';

/**
 * topup_credit: every credited top-up has exactly one gateway_deposit (external id
 * `<gateway>:<gateway payment id>`), for its credited_idr, from its gateway's clearing account into its
 * account's wallet; and no gateway deposit exists without a credited top-up.
 */
const TOPUP_CREDIT = `
  WITH deposits AS (
    SELECT t.id, t.external_id, t.amount, t.debit_account_id, t.credit_account_id,
      count(*) OVER (PARTITION BY t.external_id) AS n
    FROM transfers t WHERE t.code = 'gateway_deposit'),
  credited AS (
    SELECT tp.id, tp.gateway || ':' || tp.gateway_payment_id AS external_id, tp.credited_idr,
      w.id AS wallet_id, g.id AS gateway_account_id
    FROM topups tp
    LEFT JOIN ledger_accounts w ON w.account_id = tp.account_id
    LEFT JOIN ledger_accounts g ON g.code = '${GATEWAY_PREFIX}' || tp.gateway
    WHERE tp.credited_idr IS NOT NULL)
  SELECT DISTINCT ON (record) 'topup_credit' AS "check",
    CASE WHEN c.id IS NULL THEN 'transfer:' || d.id ELSE 'topup:' || c.id END AS record,
    CASE
      WHEN c.id IS NULL THEN format('gateway deposit %s (%s) is no credited top-up''s', d.id, d.external_id)
      WHEN d.id IS NULL THEN format('credited %s IDR but has no gateway deposit', c.credited_idr)
      WHEN d.n > 1 THEN format('has %s gateway deposits', d.n)
      WHEN d.amount <> c.credited_idr THEN format('credited %s IDR; its deposit %s is for %s', c.credited_idr, d.id, d.amount)
      ELSE format('its deposit %s is not from its gateway into its own wallet', d.id)
    END AS detail
  FROM credited c FULL JOIN deposits d ON d.external_id = c.external_id
  WHERE c.id IS NULL OR d.id IS NULL OR d.n > 1 OR d.amount <> c.credited_idr
    OR d.credit_account_id IS DISTINCT FROM c.wallet_id OR d.debit_account_id IS DISTINCT FROM c.gateway_account_id
  ORDER BY record`;

/**
 * topup_debit: a top-up's refunded, disputed, re-credited and owed IDR equal its refund and dispute
 * movements (topup_debit and topup_shortfall, external id `topup:<id>:refund|dispute:<n>`), its
 * dispute_reversal movements, and its shortfall movements; a movement that names no top-up is named.
 */
const TOPUP_DEBIT = `
  WITH moved AS (
    SELECT ${referencedTopup('t.external_id')} AS topup_id, min(t.id) AS transfer_id,
      coalesce(sum(t.amount) FILTER (WHERE t.code <> 'dispute_reversal' AND t.external_id LIKE 'topup:%:refund:%'), 0) AS refunded,
      coalesce(sum(t.amount) FILTER (WHERE t.code <> 'dispute_reversal' AND t.external_id LIKE 'topup:%:dispute:%'), 0) AS disputed,
      coalesce(sum(t.amount) FILTER (WHERE t.code = 'dispute_reversal'), 0) AS reversed,
      coalesce(sum(t.amount) FILTER (WHERE t.code = 'topup_shortfall'), 0) AS shortfall
    FROM transfers t WHERE t.code IN ('topup_debit', 'topup_shortfall', 'dispute_reversal')
    GROUP BY 1),
  expected AS (
    SELECT id, refunded_idr, disputed_idr, dispute_reversed_idr, shortfall_idr FROM topups
    WHERE refunded_idr > 0 OR disputed_idr > 0 OR dispute_reversed_idr > 0 OR shortfall_idr > 0)
  SELECT 'topup_debit' AS "check",
    CASE WHEN e.id IS NULL THEN 'transfer:' || m.transfer_id ELSE 'topup:' || e.id END AS record,
    CASE WHEN e.id IS NULL
      THEN format('refund or dispute movement %s names no top-up that records it', m.transfer_id)
      ELSE format('refunded/disputed/re-credited/owed %s/%s/%s/%s IDR; its transfers say %s/%s/%s/%s',
        e.refunded_idr, e.disputed_idr, e.dispute_reversed_idr, e.shortfall_idr,
        coalesce(m.refunded, 0), coalesce(m.disputed, 0), coalesce(m.reversed, 0), coalesce(m.shortfall, 0))
    END AS detail
  FROM expected e FULL JOIN moved m ON m.topup_id = e.id
  WHERE e.id IS NULL OR (coalesce(m.refunded, 0), coalesce(m.disputed, 0), coalesce(m.reversed, 0),
    coalesce(m.shortfall, 0)) IS DISTINCT FROM (e.refunded_idr, e.disputed_idr, e.dispute_reversed_idr, e.shortfall_idr)`;

/**
 * receivable_balance: what an account owes (its receivable's debits less credits) is never negative and
 * equals its top-ups' shortfalls less what later credits settled.
 */
const RECEIVABLE_BALANCE = `
  WITH shortfalls AS (
    SELECT account_id, sum(shortfall_idr)::bigint AS owed FROM topups WHERE shortfall_idr > 0 GROUP BY account_id),
  settled AS (
    SELECT credit_account_id AS id, sum(amount)::bigint AS settled FROM transfers
    WHERE code = 'receivable_settle' GROUP BY 1),
  receivables AS (
    SELECT id, code, receivable_of, debits_posted - credits_posted AS owed FROM ledger_accounts
    WHERE kind = 'receivable')
  SELECT 'receivable_balance' AS "check", coalesce(r.code, 'receivable:' || f.account_id) AS record,
    CASE WHEN r.owed < 0 THEN format('owes %s IDR: a receivable is never negative', r.owed)
      ELSE format('owes %s IDR; its shortfalls less settlements are %s', coalesce(r.owed, 0),
        coalesce(f.owed, 0) - coalesce(s.settled, 0))
    END AS detail
  FROM receivables r
  FULL JOIN shortfalls f ON f.account_id = r.receivable_of
  LEFT JOIN settled s ON s.id = r.id
  WHERE r.owed < 0 OR coalesce(r.owed, 0) <> coalesce(f.owed, 0) - coalesce(s.settled, 0)`;

export const TOPUP_INVARIANTS = [TOPUP_CREDIT, TOPUP_DEBIT, RECEIVABLE_BALANCE];
