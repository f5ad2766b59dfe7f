/**
 * The ledger movements of top-ups, shared by the credit, debit and reversal verbs. Every one runs inside
 * the caller's transaction, after the top-up row is locked, and keeps the running totals of the wallet
 * and the receivable in step with the transfers it writes (the ledger check compares them).
 *
 * Movements (all posted; the shares of a take-back are in topup-terms.ts):
 * - gateway_deposit, dispute_reversal: gateway clearing → wallet (a credited or re-credited top-up);
 * - topup_fee: wallet → platform:topup_fees (the fee, right after the deposit);
 * - topup_bonus, topup_bonus_restore: platform:topup_bonuses → wallet (a bonus; given again by a won dispute);
 * - topup_debit: wallet → gateway clearing (a refund or dispute, as far as the wallet covers it);
 * - topup_shortfall: receivable → gateway clearing (the rest: the customer now owes it);
 * - topup_bonus_clawback, topup_bonus_shortfall: wallet, then receivable → platform:topup_bonuses;
 * - topup_fee_return, topup_fee_restore: fees → gateway clearing, and back after a won dispute;
 * - receivable_settle: wallet → receivable (a later credit pays what is owed first).
 */
import { gatewayAccountCode, PLATFORM_ACCOUNTS, receivableCode } from '../ledger/ledger-account.ts';
import type { Queryable } from '../platform/db.ts';
import type { GatewayCode } from './gateway-port.ts';

export interface LockedAccounts {
  accountId: number;
  walletId: number;
  /** Spendable: posted credits minus posted debits minus holds. */
  available: number;
  gatewayAccountId: number;
  feeAccountId: number;
  bonusAccountId: number;
  receivable: { id: number; owed: number } | null;
}

/** Locks the account's wallet and receivable (in id order, so two verbs never deadlock on them). */
export async function lockAccounts(
  db: Queryable,
  accountId: number,
  gateway: GatewayCode,
): Promise<LockedAccounts> {
  const rows = await db.query<{
    id: number;
    kind: 'wallet' | 'receivable';
    available: number;
    owed: number;
    gateway_id: number | null;
    fee_id: number | null;
    bonus_id: number | null;
  }>(
    `SELECT id, kind, credits_posted - debits_posted - debits_pending AS available,
       debits_posted - credits_posted AS owed,
       (SELECT g.id FROM ledger_accounts g WHERE g.code = $2) AS gateway_id,
       (SELECT f.id FROM ledger_accounts f WHERE f.code = $3) AS fee_id,
       (SELECT b.id FROM ledger_accounts b WHERE b.code = $4) AS bonus_id
     FROM ledger_accounts WHERE account_id = $1 OR receivable_of = $1 ORDER BY id FOR UPDATE`,
    [accountId, gatewayAccountCode(gateway), PLATFORM_ACCOUNTS.topupFees, PLATFORM_ACCOUNTS.topupBonuses],
  );
  const wallet = rows.rows.find((r) => r.kind === 'wallet');
  if (!wallet) throw new Error(`account ${accountId} has no wallet`);
  if (wallet.gateway_id === null) throw new Error(`ledger account ${gatewayAccountCode(gateway)} is missing`);
  if (wallet.fee_id === null || wallet.bonus_id === null)
    throw new Error('top-up fee or bonus account is missing');
  const receivable = rows.rows.find((r) => r.kind === 'receivable');
  return {
    accountId,
    walletId: wallet.id,
    available: wallet.available,
    gatewayAccountId: wallet.gateway_id,
    feeAccountId: wallet.fee_id,
    bonusAccountId: wallet.bonus_id,
    receivable: receivable ? { id: receivable.id, owed: receivable.owed } : null,
  };
}

interface Movement {
  code: string;
  debit: number;
  credit: number;
  amount: number;
  externalId: string;
  memo?: string | null | undefined;
}

/** Writes a transfer; null when its (code, external id) was already written (a replay). */
export async function writeTransfer(db: Queryable, m: Movement): Promise<number | null> {
  const inserted = await db.query<{ id: number }>(
    `INSERT INTO transfers (kind, debit_account_id, credit_account_id, amount, code, external_id, memo)
     VALUES ('posted', $1, $2, $3, $4, $5, $6)
     ON CONFLICT (code, external_id) WHERE external_id IS NOT NULL DO NOTHING RETURNING id`,
    [m.debit, m.credit, m.amount, m.code, m.externalId, m.memo ?? null],
  );
  return inserted.rows[0]?.id ?? null;
}

async function addToTotals(
  db: Queryable,
  accountId: number,
  column: 'credits_posted' | 'debits_posted',
  n: number,
) {
  await db.query(`UPDATE ledger_accounts SET ${column} = ${column} + $2 WHERE id = $1`, [accountId, n]);
}

/** Money into the wallet from a platform account. Null when the transfer already exists (a replay). */
export async function creditWallet(
  db: Queryable,
  accounts: LockedAccounts,
  m: { code: string; from: number; amount: number; externalId: string; memo?: string | null | undefined },
): Promise<number | null> {
  const transferId = await writeTransfer(db, { ...m, debit: m.from, credit: accounts.walletId });
  if (transferId === null) return null;
  await addToTotals(db, accounts.walletId, 'credits_posted', m.amount);
  accounts.available += m.amount;
  return transferId;
}

/** Money out of the wallet to a platform account; the caller knows the wallet has it (the CHECK agrees). */
export async function chargeWallet(
  db: Queryable,
  accounts: LockedAccounts,
  m: { code: string; to: number; amount: number; externalId: string; memo?: string | null | undefined },
): Promise<number | null> {
  const transferId = await writeTransfer(db, { ...m, debit: accounts.walletId, credit: m.to });
  if (transferId === null) return null;
  await addToTotals(db, accounts.walletId, 'debits_posted', m.amount);
  accounts.available -= m.amount;
  return transferId;
}

/**
 * What the account owes is settled first from money that just came in (incoming IDR, named by the
 * transfer that brought it). Returns what was settled.
 */
export async function settleOwed(
  db: Queryable,
  accounts: LockedAccounts,
  incoming: number,
  transferId: number,
): Promise<number> {
  const settledIdr = Math.max(0, Math.min(accounts.receivable?.owed ?? 0, incoming));
  if (accounts.receivable && settledIdr > 0) {
    await writeTransfer(db, {
      code: 'receivable_settle',
      debit: accounts.walletId,
      credit: accounts.receivable.id,
      amount: settledIdr,
      externalId: `transfer:${transferId}`,
    });
    await addToTotals(db, accounts.walletId, 'debits_posted', settledIdr);
    await addToTotals(db, accounts.receivable.id, 'credits_posted', settledIdr);
    accounts.available -= settledIdr;
    accounts.receivable.owed -= settledIdr;
  }
  return settledIdr;
}

/** What the customer gives back goes where: the gateway (its net share) or the bonus account (a clawback). */
const TAKE_BACK_CODES = {
  gateway: { wallet: 'topup_debit', receivable: 'topup_shortfall' },
  bonuses: { wallet: 'topup_bonus_clawback', receivable: 'topup_bonus_shortfall' },
} as const;

/**
 * Money taken back from the customer: from the wallet as far as it is available (holds stay covered), the
 * rest booked to the receivable. The wallet never goes below zero.
 */
export async function takeFromCustomer(
  db: Queryable,
  accounts: LockedAccounts,
  m: { to: 'gateway' | 'bonuses'; amount: number; externalId: string; memo?: string | null },
): Promise<{ fromWalletIdr: number; shortfallIdr: number }> {
  const codes = TAKE_BACK_CODES[m.to];
  const to = m.to === 'gateway' ? accounts.gatewayAccountId : accounts.bonusAccountId;
  const fromWalletIdr = Math.max(0, Math.min(accounts.available, m.amount));
  const shortfallIdr = m.amount - fromWalletIdr;
  if (fromWalletIdr > 0) {
    await chargeWallet(db, accounts, { ...m, code: codes.wallet, to, amount: fromWalletIdr });
  }
  if (shortfallIdr > 0) {
    const receivable = accounts.receivable ?? (await openReceivable(db, accounts.accountId));
    accounts.receivable = receivable;
    await writeTransfer(db, {
      code: codes.receivable,
      debit: receivable.id,
      credit: to,
      amount: shortfallIdr,
      externalId: m.externalId,
      memo: m.memo,
    });
    await addToTotals(db, receivable.id, 'debits_posted', shortfallIdr);
    receivable.owed += shortfallIdr;
  }
  return { fromWalletIdr, shortfallIdr };
}

/** The account's receivable, created on its first shortfall; locked. */
async function openReceivable(db: Queryable, accountId: number): Promise<{ id: number; owed: number }> {
  await db.query(
    `INSERT INTO ledger_accounts (code, kind, receivable_of) VALUES ($1, 'receivable', $2)
     ON CONFLICT (receivable_of) DO NOTHING`,
    [receivableCode(accountId), accountId],
  );
  const row = await db.query<{ id: number; owed: number }>(
    `SELECT id, debits_posted - credits_posted AS owed FROM ledger_accounts WHERE receivable_of = $1 FOR UPDATE`,
    [accountId],
  );
  return row.rows[0]!;
}
