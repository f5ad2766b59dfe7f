/**
 * The ledger's invariants (numpool admin ledger-check, the ledger-check sweep every 10 minutes, and the
 * tests). Each compares records that are written independently, so each can fail:
 *
 * - wallet_totals: a wallet's (or a receivable's) stored totals equal its transfers.
 * - resolved_twice, resolution_mismatch: a pending transfer is resolved at most once, by a post or void of
 *   its own amount between its own accounts.
 * - transfer_route: every transfer is a movement the ledger makes (deposit, hold, charge, release, refund,
 *   cost, an operator's credit or debit).
 * - order_amount, order_hold, order_charge, terminal_hold_pending, order_hold_state, superseded_hold,
 *   order_refund, order_cost: an order's amount is its hold's; a charged order is posted once for exactly
 *   that amount and books its provider cost once; a finished order holds nothing; replaced holds are
 *   voided; a refund returns a charged order's amount.
 * - platform_balance: revenue, funding and provider payable, derived from transfers, equal the sums over the
 *   orders and wallets they stand for; each gateway's clearing account, what its top-ups put in and took back.
 * - topup_credit, topup_debit, receivable_balance: a credited top-up has exactly one deposit of what it
 *   credited and every gateway deposit is a credited top-up's; refunds, disputes and their reversals move
 *   what the top-up records; what an account owes is never negative and is its shortfalls less settlements.
 * - topup_fee, topup_bonus: a credited top-up's fee and bonus follow from its snapshotted terms, are moved
 *   once to and from its own wallet, and refunds, disputes and their reversals move their shares back.
 *
 * (Σ debits = Σ credits is not checked: every transfer row has both sides, so it cannot fail.)
 *
 * Each violation names its check and its record: an account code, `order:<id>` or `transfer:<id>`.
 *
 * Cost: every check is one set-based statement (hash joins and aggregates over orders, transfers and
 * ledger_accounts; no per-row queries), run in one read-only REPEATABLE READ snapshot so that writes
 * committing between two checks cannot look like drift. It needs no index beyond the primary keys and
 * transfers_resolve_once. Measured on 500k orders and 1M transfers, on 2 cores under heavy other load: about
 * 35 s in all, no statement over 10 s; parsing every hold's reference with a regular expression had made one
 * statement take 28 s alone, so references are matched by equality and parsed only on the few stray rows.
 */
import { allowStatementsUpTo, type DbContext, withTransaction } from '../platform/db.ts';
import { ORDER_INVARIANTS } from './invariants/order-invariants.ts';
import { PLATFORM_INVARIANTS } from './invariants/platform-invariants.ts';
import { TOPUP_INVARIANTS } from './invariants/topup-invariants.ts';
import { TRANSFER_INVARIANTS } from './invariants/transfer-invariants.ts';

export type LedgerCheck =
  | 'wallet_totals'
  | 'resolved_twice'
  | 'resolution_mismatch'
  | 'transfer_route'
  | 'order_amount'
  | 'order_hold'
  | 'order_charge'
  | 'terminal_hold_pending'
  | 'order_hold_state'
  | 'superseded_hold'
  | 'order_refund'
  | 'order_cost'
  | 'platform_balance'
  | 'topup_credit'
  | 'topup_debit'
  | 'topup_fee'
  | 'topup_bonus'
  | 'receivable_balance';

export interface LedgerViolation {
  check: LedgerCheck;
  /**
   * The record at fault: an account code (wallet:7, receivable:7, platform:revenue), order:<id>,
   * topup:<id> or transfer:<id>.
   */
  record: string;
  detail: string;
}

const INVARIANTS = [...TRANSFER_INVARIANTS, ...ORDER_INVARIANTS, ...PLATFORM_INVARIANTS, ...TOPUP_INVARIANTS];

export async function checkLedger({ ctx }: { ctx: DbContext }): Promise<LedgerViolation[]> {
  const joined = ctx.inTransaction;
  return withTransaction(ctx, async (tx) => {
    // Inside a caller's transaction the checks see what it sees; on their own, one snapshot for all.
    if (!joined) {
      await tx.db.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      // Full passes over the largest tables.
      await allowStatementsUpTo(tx, 600_000);
    }
    const violations: LedgerViolation[] = [];
    for (const sql of INVARIANTS) {
      const result = await tx.db.query<LedgerViolation>(sql);
      violations.push(...result.rows);
    }
    return violations;
  });
}
