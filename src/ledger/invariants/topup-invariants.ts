/**
 * Invariants between top-ups (payments/) and their money. The topups row records what was credited,
 * refunded, disputed, re-credited and owed; the transfers move it — two records of one fact, compared
 * here. Each query yields one row per violation: ("check", record, detail); a top-up is `topup:<id>`.
 */
import { GATEWAY_PREFIX, referencedTopup, takenShare } from './sql-fragments.ts';

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
 * topup_debit: the customer's (net) share of a top-up's refunded, disputed and re-credited IDR equals its
 * refund and dispute movements (topup_debit and topup_shortfall, external id `topup:<id>:refund|dispute:<n>`)
 * and its dispute_reversal movements; what it booked to the receivable (shortfall_idr) equals its
 * topup_shortfall and topup_bonus_shortfall movements; a movement that names no top-up is named.
 */
const TOPUP_DEBIT = `
  WITH moved AS (
    SELECT ${referencedTopup('t.external_id')} AS topup_id, min(t.id) AS transfer_id,
      coalesce(sum(t.amount) FILTER (WHERE t.code IN ('topup_debit', 'topup_shortfall') AND t.external_id LIKE 'topup:%:refund:%'), 0) AS refunded,
      coalesce(sum(t.amount) FILTER (WHERE t.code IN ('topup_debit', 'topup_shortfall') AND t.external_id LIKE 'topup:%:dispute:%'), 0) AS disputed,
      coalesce(sum(t.amount) FILTER (WHERE t.code = 'dispute_reversal'), 0) AS reversed,
      coalesce(sum(t.amount) FILTER (WHERE t.code IN ('topup_shortfall', 'topup_bonus_shortfall')), 0) AS shortfall
    FROM transfers t
    WHERE t.code IN ('topup_debit', 'topup_shortfall', 'dispute_reversal', 'topup_bonus_shortfall')
    GROUP BY 1),
  expected AS (
    SELECT tp.id, ${takenShare('net', 'tp', 'tp.refunded_idr')} AS refunded,
      ${takenShare('net', 'tp', 'tp.disputed_idr')} AS disputed,
      ${takenShare('net', 'tp', 'tp.dispute_reversed_idr')} AS reversed, tp.shortfall_idr AS shortfall
    FROM topups tp
    WHERE tp.refunded_idr > 0 OR tp.disputed_idr > 0 OR tp.dispute_reversed_idr > 0 OR tp.shortfall_idr > 0)
  SELECT 'topup_debit' AS "check",
    CASE WHEN e.id IS NULL THEN 'transfer:' || m.transfer_id ELSE 'topup:' || e.id END AS record,
    CASE WHEN e.id IS NULL
      THEN format('refund or dispute movement %s names no top-up that records it', m.transfer_id)
      ELSE format('refunded/disputed/re-credited (customer''s share)/owed %s/%s/%s/%s IDR; its transfers say %s/%s/%s/%s',
        e.refunded, e.disputed, e.reversed, e.shortfall,
        coalesce(m.refunded, 0), coalesce(m.disputed, 0), coalesce(m.reversed, 0), coalesce(m.shortfall, 0))
    END AS detail
  FROM expected e FULL JOIN moved m ON m.topup_id = e.id
  WHERE e.id IS NULL OR (coalesce(m.refunded, 0), coalesce(m.disputed, 0), coalesce(m.reversed, 0),
    coalesce(m.shortfall, 0)) IS DISTINCT FROM (e.refunded, e.disputed, e.reversed, e.shortfall)`;

/**
 * topup_fee: a credited top-up's fee_idr is round_half_up(credited_idr × its snapshotted fee_percent / 100),
 * charged once by a topup_fee from its own wallet (none for a zero fee); the fee's share of what refunds and
 * disputes took back was returned (topup_fee_return) and of what won disputes re-credited restored
 * (topup_fee_restore); a fee movement that names no credited top-up is named.
 */
const TOPUP_FEE = `
  WITH moved AS (
    SELECT ${referencedTopup('t.external_id')} AS topup_id, min(t.id) AS transfer_id,
      count(*) FILTER (WHERE t.code = 'topup_fee') AS charges,
      coalesce(sum(t.amount) FILTER (WHERE t.code = 'topup_fee'), 0) AS charged,
      coalesce(sum(t.amount) FILTER (WHERE t.code = 'topup_fee_return'), 0) AS returned,
      coalesce(sum(t.amount) FILTER (WHERE t.code = 'topup_fee_restore'), 0) AS restored,
      min(t.debit_account_id) FILTER (WHERE t.code = 'topup_fee') AS paid_from,
      max(t.debit_account_id) FILTER (WHERE t.code = 'topup_fee') AS paid_from_too
    FROM transfers t WHERE t.code IN ('topup_fee', 'topup_fee_return', 'topup_fee_restore')
    GROUP BY 1),
  expected AS (
    SELECT tp.id, tp.fee_idr, tp.fee_percent, tp.credited_idr, w.id AS wallet_id,
      coalesce(round(tp.credited_idr * tp.fee_percent / 100), 0)::bigint AS due,
      ${takenShare('fee', 'tp', 'tp.refunded_idr')} + ${takenShare('fee', 'tp', 'tp.disputed_idr')} AS returned,
      ${takenShare('fee', 'tp', 'tp.dispute_reversed_idr')} AS restored
    FROM topups tp LEFT JOIN ledger_accounts w ON w.account_id = tp.account_id
    WHERE tp.credited_idr IS NOT NULL OR tp.fee_idr > 0)
  SELECT 'topup_fee' AS "check",
    CASE WHEN e.id IS NULL THEN 'transfer:' || m.transfer_id ELSE 'topup:' || e.id END AS record,
    CASE
      WHEN e.id IS NULL THEN format('fee movement %s names no credited top-up', m.transfer_id)
      WHEN e.fee_idr <> e.due THEN format('charged a fee of %s IDR; %s%% of %s IDR is %s',
        e.fee_idr, e.fee_percent, coalesce(e.credited_idr::text, 'nothing'), e.due)
      WHEN m.charges > 1 THEN format('its fee was charged %s times', m.charges)
      WHEN m.paid_from IS DISTINCT FROM m.paid_from_too OR m.paid_from <> e.wallet_id
        THEN 'its fee was not charged to its own wallet'
      ELSE format('fee/returned/restored %s/%s/%s IDR; its transfers say %s/%s/%s', e.fee_idr, e.returned,
        e.restored, coalesce(m.charged, 0), coalesce(m.returned, 0), coalesce(m.restored, 0))
    END AS detail
  FROM expected e FULL JOIN moved m ON m.topup_id = e.id
  WHERE e.id IS NULL OR e.fee_idr <> e.due OR m.charges > 1 OR m.paid_from IS DISTINCT FROM m.paid_from_too
    OR m.paid_from <> e.wallet_id
    OR (coalesce(m.charged, 0), coalesce(m.returned, 0), coalesce(m.restored, 0))
      IS DISTINCT FROM (e.fee_idr, e.returned, e.restored)`;

/**
 * topup_bonus: a credited top-up applied the percent of the snapshotted tier with the highest min_idr its
 * credited_idr reaches (none: no bonus), and bonus_idr is floor(credited_idr × that percent / 100), given
 * once by a topup_bonus into its own wallet; the bonus's share of what refunds and disputes took back was
 * clawed back (topup_bonus_clawback, topup_bonus_shortfall) and of what won disputes re-credited restored
 * (topup_bonus_restore); a bonus movement that names no credited top-up is named.
 */
const TOPUP_BONUS = `
  WITH moved AS (
    SELECT ${referencedTopup('t.external_id')} AS topup_id, min(t.id) AS transfer_id,
      count(*) FILTER (WHERE t.code = 'topup_bonus') AS grants,
      coalesce(sum(t.amount) FILTER (WHERE t.code = 'topup_bonus'), 0) AS given,
      coalesce(sum(t.amount) FILTER (WHERE t.code IN ('topup_bonus_clawback', 'topup_bonus_shortfall')), 0) AS clawed,
      coalesce(sum(t.amount) FILTER (WHERE t.code = 'topup_bonus_restore'), 0) AS restored,
      min(t.credit_account_id) FILTER (WHERE t.code = 'topup_bonus') AS given_to,
      max(t.credit_account_id) FILTER (WHERE t.code = 'topup_bonus') AS given_to_too
    FROM transfers t
    WHERE t.code IN ('topup_bonus', 'topup_bonus_clawback', 'topup_bonus_shortfall', 'topup_bonus_restore')
    GROUP BY 1),
  tiered AS (
    SELECT tp.*, (SELECT (e->>'percent')::numeric FROM jsonb_array_elements(tp.bonus_tiers) e
        WHERE (e->>'min_idr')::bigint <= tp.credited_idr ORDER BY (e->>'min_idr')::bigint DESC LIMIT 1) AS tier
    FROM topups tp WHERE tp.credited_idr IS NOT NULL OR tp.bonus_idr > 0),
  expected AS (
    SELECT tp.id, tp.bonus_idr, tp.bonus_percent, tp.tier, tp.credited_idr, w.id AS wallet_id,
      coalesce(div(tp.credited_idr * tp.bonus_percent, 100), 0)::bigint AS due,
      ${takenShare('bonus', 'tp', 'tp.refunded_idr')} + ${takenShare('bonus', 'tp', 'tp.disputed_idr')} AS clawed,
      ${takenShare('bonus', 'tp', 'tp.dispute_reversed_idr')} AS restored
    FROM tiered tp LEFT JOIN ledger_accounts w ON w.account_id = tp.account_id)
  SELECT 'topup_bonus' AS "check",
    CASE WHEN e.id IS NULL THEN 'transfer:' || m.transfer_id ELSE 'topup:' || e.id END AS record,
    CASE
      WHEN e.id IS NULL THEN format('bonus movement %s names no credited top-up', m.transfer_id)
      WHEN e.bonus_percent IS DISTINCT FROM e.tier THEN format('applied a bonus of %s%%; its tiers give %s%% to %s IDR',
        coalesce(e.bonus_percent::text, 'no'), coalesce(e.tier::text, 'no'), coalesce(e.credited_idr::text, 'nothing'))
      WHEN e.bonus_idr <> e.due THEN format('gave a bonus of %s IDR; %s%% of %s IDR is %s',
        e.bonus_idr, e.bonus_percent, e.credited_idr, e.due)
      WHEN m.grants > 1 THEN format('its bonus was given %s times', m.grants)
      WHEN m.given_to IS DISTINCT FROM m.given_to_too OR m.given_to <> e.wallet_id
        THEN 'its bonus did not go to its own wallet'
      ELSE format('bonus/clawed back/restored %s/%s/%s IDR; its transfers say %s/%s/%s', e.bonus_idr, e.clawed,
        e.restored, coalesce(m.given, 0), coalesce(m.clawed, 0), coalesce(m.restored, 0))
    END AS detail
  FROM expected e FULL JOIN moved m ON m.topup_id = e.id
  WHERE e.id IS NULL OR e.bonus_percent IS DISTINCT FROM e.tier OR e.bonus_idr <> e.due OR m.grants > 1
    OR m.given_to IS DISTINCT FROM m.given_to_too OR m.given_to <> e.wallet_id
    OR (coalesce(m.given, 0), coalesce(m.clawed, 0), coalesce(m.restored, 0))
      IS DISTINCT FROM (e.bonus_idr, e.clawed, e.restored)`;

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

export const TOPUP_INVARIANTS = [TOPUP_CREDIT, TOPUP_DEBIT, TOPUP_FEE, TOPUP_BONUS, RECEIVABLE_BALANCE];
