/**
 * The ledger's invariants, checked from the transfers themselves (numpool admin ledger-check, and a
 * periodic job that logs any violation):
 *
 * 1. Σ debits = Σ credits, posted and pending, over all accounts.
 * 2. Every wallet's running totals equal what its transfers say.
 * 3. Every order's money matches its status: open without SMS = hold pending; an SMS arrived = hold
 *    posted; canceled, expired or failed = hold voided; superseded holds (re-priced failover) voided.
 */
import type { DbContext } from '../platform/db.ts';

export interface LedgerViolation {
  check: string;
  detail: string;
}

const TOTALS = `
  WITH resolved AS (SELECT pending_id, kind FROM transfers WHERE pending_id IS NOT NULL),
  moves AS (
    SELECT t.debit_account_id AS account_id, t.amount AS debit, 0::bigint AS credit, t.kind, r.kind AS resolution
      FROM transfers t LEFT JOIN resolved r ON r.pending_id = t.id WHERE t.kind IN ('posted', 'pending', 'post_pending')
    UNION ALL
    SELECT t.credit_account_id, 0::bigint, t.amount, t.kind, r.kind
      FROM transfers t LEFT JOIN resolved r ON r.pending_id = t.id WHERE t.kind IN ('posted', 'pending', 'post_pending'))
  SELECT account_id,
    coalesce(sum(debit) FILTER (WHERE kind <> 'pending'), 0)::bigint AS debits_posted,
    coalesce(sum(credit) FILTER (WHERE kind <> 'pending'), 0)::bigint AS credits_posted,
    coalesce(sum(debit) FILTER (WHERE kind = 'pending' AND resolution IS NULL), 0)::bigint AS debits_pending,
    coalesce(sum(credit) FILTER (WHERE kind = 'pending' AND resolution IS NULL), 0)::bigint AS credits_pending
  FROM moves GROUP BY account_id`;

export async function checkLedger({ ctx }: { ctx: DbContext }): Promise<LedgerViolation[]> {
  const violations: LedgerViolation[] = [];

  const sums = await ctx.db.query<{ dp: number; cp: number; dpend: number; cpend: number }>(
    `SELECT coalesce(sum(debits_posted), 0)::bigint AS dp, coalesce(sum(credits_posted), 0)::bigint AS cp,
            coalesce(sum(debits_pending), 0)::bigint AS dpend, coalesce(sum(credits_pending), 0)::bigint AS cpend
     FROM (${TOTALS}) totals`,
  );
  const s = sums.rows[0]!;
  if (s.dp !== s.cp)
    violations.push({ check: 'balanced_posted', detail: `debits ${s.dp} ≠ credits ${s.cp}` });
  if (s.dpend !== s.cpend)
    violations.push({ check: 'balanced_pending', detail: `debits ${s.dpend} ≠ credits ${s.cpend}` });

  const drift = await ctx.db.query<{ code: string }>(
    `SELECT la.code FROM ledger_accounts la LEFT JOIN (${TOTALS}) t ON t.account_id = la.id
     WHERE la.kind = 'wallet' AND (la.debits_posted, la.credits_posted, la.debits_pending)
       IS DISTINCT FROM (coalesce(t.debits_posted, 0), coalesce(t.credits_posted, 0), coalesce(t.debits_pending, 0))`,
  );
  for (const row of drift.rows)
    violations.push({ check: 'wallet_totals', detail: `${row.code} differs from its transfers` });

  const orders = await ctx.db.query<{ id: number; status: string; hold_state: string | null }>(
    `SELECT o.id, o.status, coalesce(r.kind, CASE WHEN o.hold_transfer_id IS NULL THEN NULL ELSE 'open' END) AS hold_state
     FROM orders o LEFT JOIN transfers r ON r.pending_id = o.hold_transfer_id
     WHERE NOT (
       (o.status = 'PROVISIONING' AND r.kind IS NULL AND o.hold_transfer_id IS NOT NULL)
       OR (o.status = 'ACTIVE' AND o.sms_revision = 0 AND r.kind IS NULL AND o.hold_transfer_id IS NOT NULL)
       OR (o.status IN ('ACTIVE', 'OTP_RECEIVED', 'COMPLETED') AND o.sms_revision > 0 AND r.kind = 'post_pending')
       OR (o.status IN ('CANCELED', 'EXPIRED', 'FAILED') AND r.kind = 'void_pending'))`,
  );
  for (const row of orders.rows) {
    violations.push({
      check: 'order_money',
      detail: `order ${row.id} is ${row.status} but its hold is ${row.hold_state ?? 'missing'}`,
    });
  }

  const superseded = await ctx.db.query<{ id: number }>(
    `SELECT h.id FROM transfers h
     JOIN orders o ON h.external_id LIKE 'order:' || o.id || ':%' OR h.external_id = 'order:' || o.id
     WHERE h.code = 'order_hold' AND h.id <> o.hold_transfer_id
       AND NOT EXISTS (SELECT 1 FROM transfers v WHERE v.pending_id = h.id AND v.kind = 'void_pending')`,
  );
  for (const row of superseded.rows)
    violations.push({ check: 'superseded_hold', detail: `hold ${row.id} was replaced but not voided` });
  return violations;
}
