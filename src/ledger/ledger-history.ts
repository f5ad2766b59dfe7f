/**
 * A customer's wallet statement: every posted movement of the wallet (deposits, a top-up's fee and bonus,
 * charges, refunds, an operator's credits and debits, refund and dispute debits and bonus clawbacks,
 * settlements of what was owed), newest first,
 * each with the posted balance after it. Holds still open are not movements yet; they show in the
 * balance's `pending`.
 *
 * The running balance is a window sum over the wallet's movements; a page costs a pass over that one
 * wallet's transfers (two index scans), which is fine for a statement page.
 */
import type { DbContext } from '../platform/db.ts';

export interface LedgerEntry {
  transferId: number;
  /**
   * deposit, gateway_deposit, topup_fee, topup_bonus, order_charge, order_refund, manual_credit,
   * manual_debit, topup_debit, topup_bonus_clawback, topup_bonus_restore, dispute_reversal, receivable_settle
   */
  code: string;
  /** Signed IDR: positive into the wallet. */
  amount: number;
  /** Posted balance right after this movement. */
  balanceAfter: number;
  reference: string | null;
  memo: string | null;
  createdAt: Date;
}

export async function ledgerHistory({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { accountId: number; beforeId?: number | undefined; limit?: number | undefined };
}): Promise<LedgerEntry[]> {
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 200);
  const rows = await ctx.db.query<LedgerEntry>(
    `WITH wallet AS (SELECT id FROM ledger_accounts WHERE account_id = $1),
     moves AS (
       SELECT t.id, t.code, t.external_id, t.memo, t.created_at,
         CASE WHEN t.credit_account_id = w.id THEN t.amount ELSE -t.amount END AS amount
       FROM transfers t, wallet w
       WHERE (t.credit_account_id = w.id OR t.debit_account_id = w.id) AND t.kind IN ('posted', 'post_pending')),
     running AS (SELECT m.*, sum(m.amount) OVER (ORDER BY m.id) AS balance_after FROM moves m)
     SELECT id AS "transferId", code, amount, balance_after::bigint AS "balanceAfter", external_id AS reference,
       memo, created_at AS "createdAt"
     FROM running WHERE $2::bigint IS NULL OR id < $2 ORDER BY id DESC LIMIT $3`,
    [input.accountId, input.beforeId ?? null, limit],
  );
  return rows.rows;
}
