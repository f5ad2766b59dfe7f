/** SQL shared by the ledger invariants. Each is a plain fragment, so every check stays one readable statement. */
import { PLATFORM_ACCOUNTS } from '../ledger-account.ts';

export const {
  funding: FUNDING,
  revenue: REVENUE,
  providerPayable: PROVIDER_PAYABLE,
  topupFees: TOPUP_FEES,
  topupBonuses: TOPUP_BONUSES,
} = PLATFORM_ACCOUNTS;

/** Every gateway's clearing account is this prefix and the gateway's code. */
export const GATEWAY_PREFIX = 'platform:gateway:';

/**
 * The order a refund or replaced hold names: 'order:12', or 'order:12:3' for a hold re-priced on failover.
 * NULL for anything else, so a malformed reference is reported, never a cast error. A regular expression
 * per row: use it only on the few rows left after a cheaper filter.
 */
export function referencedOrder(column: string): string {
  return `substring(${column} from '^order:([0-9]{1,10})(?::[0-9]+)?$')::bigint`;
}

/** Whether a hold or refund reference names this order, without parsing it (cheap on every row). */
export function namesOrder(column: string, orderId: string): string {
  return `(${column} = 'order:' || ${orderId} OR ${column} LIKE 'order:' || ${orderId} || ':%')`;
}

/** An SMS arrived: the customer pays for the order (resend takes OTP_RECEIVED back to ACTIVE). */
export function isCharged(order: string): string {
  return `(${order}.status IN ('OTP_RECEIVED', 'COMPLETED') OR (${order}.status = 'ACTIVE' AND ${order}.sms_revision > 0))`;
}

/** Open and not yet charged: the order's money is held. */
export function isHeld(order: string): string {
  return `(${order}.status = 'PROVISIONING' OR (${order}.status = 'ACTIVE' AND ${order}.sms_revision = 0))`;
}

export const TERMINAL_STATUSES = `('COMPLETED', 'CANCELED', 'EXPIRED', 'FAILED')`;

/**
 * What resolved each pending transfer: how many posts, for how much (no post: it was voided). The unique
 * index on pending_id allows one resolution; counting them keeps every check exact should that ever fail.
 * A hash aggregate: no sort, no per-row lookup.
 */
export const RESOLUTIONS = `SELECT pending_id,
    count(*) FILTER (WHERE kind = 'post_pending') AS posts,
    max(amount) FILTER (WHERE kind = 'post_pending') AS posted_amount
  FROM transfers WHERE pending_id IS NOT NULL GROUP BY pending_id`;

/** A hold's state from its row in RESOLUTIONS (alias r): pending, posted or voided. */
export const HOLD_STATE = `CASE WHEN r.pending_id IS NULL THEN 'pending' WHEN r.posts > 0 THEN 'posted' ELSE 'voided' END`;

/**
 * Every account's totals as its transfers say, in TigerBeetle's terms: posted transfers and posts count
 * in full, a pending transfer counts while unresolved, a void moves nothing. One pass over transfers (each
 * row yields its debit and its credit side).
 */
export const TOTALS_FROM_TRANSFERS = `
  SELECT m.account_id,
    coalesce(sum(m.debit) FILTER (WHERE t.kind IN ('posted', 'post_pending')), 0)::bigint AS debits_posted,
    coalesce(sum(m.credit) FILTER (WHERE t.kind IN ('posted', 'post_pending')), 0)::bigint AS credits_posted,
    coalesce(sum(m.debit) FILTER (WHERE t.kind = 'pending' AND r.pending_id IS NULL), 0)::bigint AS debits_pending,
    coalesce(sum(m.credit) FILTER (WHERE t.kind = 'pending' AND r.pending_id IS NULL), 0)::bigint AS credits_pending
  FROM transfers t
  LEFT JOIN (${RESOLUTIONS}) r ON r.pending_id = t.id
  CROSS JOIN LATERAL (VALUES (t.debit_account_id, t.amount, 0::bigint), (t.credit_account_id, 0::bigint, t.amount))
    AS m(account_id, debit, credit)
  WHERE t.kind <> 'void_pending'
  GROUP BY m.account_id`;

/**
 * What a ledger account is in a route: 'wallet', 'receivable', 'gateway' (any platform:gateway:* clearing
 * account; which gateway is the top-up checks' business), or its own code.
 */
export function accountRole(account: string): string {
  return `CASE WHEN ${account}.kind IN ('wallet', 'receivable') THEN ${account}.kind
    WHEN ${account}.code LIKE 'platform:gateway:%' THEN 'gateway' ELSE ${account}.code END`;
}

/** The top-up a refund, dispute or reversal names: 'topup:<id>:<kind>:<n>'. */
export function referencedTopup(column: string): string {
  return `substring(${column} from '^topup:([0-9]{1,15}):')::bigint`;
}

/**
 * The shares of `taken` (a topups column: IDR of the payment taken back or re-credited) that belong to the
 * customer (net), to fee revenue (fee) and to the bonus (bonus), on the topups row `t` — the arithmetic of
 * payments/topup-terms.ts takenBackShares, in exact numeric division (div truncates; the figures are ≥ 0).
 */
export function takenShare(share: 'net' | 'fee' | 'bonus', t: string, taken: string): string {
  const net = `div(${taken}::numeric * (${t}.credited_idr - ${t}.fee_idr), ${t}.credited_idr)`;
  const expression =
    share === 'net'
      ? net
      : share === 'fee'
        ? `${taken} - ${net}`
        : `div(${taken}::numeric * ${t}.bonus_idr, ${t}.credited_idr)`;
  return `(CASE WHEN ${taken} = 0 THEN 0 ELSE ${expression} END)::bigint`;
}
