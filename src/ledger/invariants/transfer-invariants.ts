/**
 * Invariants of the transfers themselves and of the wallets' running totals. Each query yields one row
 * per violation: ("check", record, detail).
 */
import {
  accountRole,
  FUNDING,
  PROVIDER_PAYABLE,
  REVENUE,
  TOPUP_BONUSES,
  TOPUP_FEES,
  TOTALS_FROM_TRANSFERS,
} from './sql-fragments.ts';

/**
 * A wallet's stored totals (kept by every write, for the overdraft CHECK) equal what its transfers say;
 * so do a receivable's (kept for the order-create guard and its non-negative CHECK).
 */
const WALLET_TOTALS = `
  SELECT 'wallet_totals' AS "check", la.code AS record,
    format('stored debits/credits posted %s/%s, pending %s/%s; its transfers say %s/%s, %s/%s',
      la.debits_posted, la.credits_posted, la.debits_pending, la.credits_pending,
      coalesce(t.debits_posted, 0), coalesce(t.credits_posted, 0),
      coalesce(t.debits_pending, 0), coalesce(t.credits_pending, 0)) AS detail
  FROM ledger_accounts la LEFT JOIN (${TOTALS_FROM_TRANSFERS}) t ON t.account_id = la.id
  WHERE la.kind IN ('wallet', 'receivable')
    AND (la.debits_posted, la.credits_posted, la.debits_pending, la.credits_pending) IS DISTINCT FROM
        (coalesce(t.debits_posted, 0), coalesce(t.credits_posted, 0),
         coalesce(t.debits_pending, 0), coalesce(t.credits_pending, 0))`;

/**
 * A pending transfer is resolved at most once. The unique index transfers_resolve_once refuses a second
 * resolution today; this names the pending should the index ever be missing (a restore, a manual fix).
 */
const RESOLVED_TWICE = `
  SELECT 'resolved_twice' AS "check", 'transfer:' || pending_id AS record,
    format('resolved %s times, by transfers %s', count(*), string_agg(id::text, ', ' ORDER BY id)) AS detail
  FROM transfers WHERE pending_id IS NOT NULL
  GROUP BY pending_id HAVING count(*) > 1`;

/**
 * A post or void resolves a pending transfer, for its amount and between its accounts. The schema lets
 * pending_id name any transfer, so this is where a resolution of a deposit, or of another resolution, shows.
 */
const RESOLUTION_MISMATCH = `
  SELECT 'resolution_mismatch' AS "check", 'transfer:' || r.id AS record,
    CASE WHEN p.kind <> 'pending'
      THEN format('resolves transfer %s, which is %s, not pending', p.id, p.kind)
      ELSE format('moves %s from account %s to %s; its pending %s moved %s from %s to %s',
        r.amount, r.debit_account_id, r.credit_account_id, p.id, p.amount, p.debit_account_id, p.credit_account_id)
    END AS detail
  FROM transfers r JOIN transfers p ON p.id = r.pending_id
  WHERE r.pending_id IS NOT NULL
    AND (p.kind <> 'pending'
      OR (r.amount, r.debit_account_id, r.credit_account_id) IS DISTINCT FROM
         (p.amount, p.debit_account_id, p.credit_account_id))`;

/**
 * Every transfer is one of the movements the platform makes (an operator's credit or debit moves money
 * between a wallet and funding, like a deposit or its reverse; a top-up's money moves between a gateway's
 * clearing account, the wallet and the account's receivable, its fee to and from fee revenue, its bonus
 * between the bonus account and the wallet or receivable). The platform balances below add up only
 * these, so any other transfer (a deposit into revenue, a charge from funding) is named here by its id.
 */
const TRANSFER_ROUTE = `
  WITH routes (kind, code, debit, credit) AS (VALUES
    ('posted', 'deposit', '${FUNDING}', 'wallet'),
    ('pending', 'order_hold', 'wallet', '${REVENUE}'),
    ('post_pending', 'order_charge', 'wallet', '${REVENUE}'),
    ('void_pending', 'order_release', 'wallet', '${REVENUE}'),
    ('posted', 'order_refund', '${REVENUE}', 'wallet'),
    ('posted', 'order_cost', '${REVENUE}', '${PROVIDER_PAYABLE}'),
    ('posted', 'manual_credit', '${FUNDING}', 'wallet'),
    ('posted', 'manual_debit', 'wallet', '${FUNDING}'),
    ('posted', 'gateway_deposit', 'gateway', 'wallet'),
    ('posted', 'dispute_reversal', 'gateway', 'wallet'),
    ('posted', 'topup_debit', 'wallet', 'gateway'),
    ('posted', 'topup_shortfall', 'receivable', 'gateway'),
    ('posted', 'receivable_settle', 'wallet', 'receivable'),
    ('posted', 'topup_fee', 'wallet', '${TOPUP_FEES}'),
    ('posted', 'topup_fee_return', '${TOPUP_FEES}', 'gateway'),
    ('posted', 'topup_fee_restore', 'gateway', '${TOPUP_FEES}'),
    ('posted', 'topup_bonus', '${TOPUP_BONUSES}', 'wallet'),
    ('posted', 'topup_bonus_restore', '${TOPUP_BONUSES}', 'wallet'),
    ('posted', 'topup_bonus_clawback', 'wallet', '${TOPUP_BONUSES}'),
    ('posted', 'topup_bonus_shortfall', 'receivable', '${TOPUP_BONUSES}'))
  SELECT 'transfer_route' AS "check", 'transfer:' || t.id AS record,
    format('%s %s from %s to %s is not a movement the ledger makes', t.kind, t.code, d.code, c.code) AS detail
  FROM transfers t
  JOIN ledger_accounts d ON d.id = t.debit_account_id
  JOIN ledger_accounts c ON c.id = t.credit_account_id
  WHERE NOT EXISTS (
    SELECT 1 FROM routes r
    WHERE r.kind = t.kind AND r.code = t.code
      AND r.debit = ${accountRole('d')}
      AND r.credit = ${accountRole('c')})`;

export const TRANSFER_INVARIANTS = [WALLET_TOTALS, RESOLVED_TWICE, RESOLUTION_MISMATCH, TRANSFER_ROUTE];
