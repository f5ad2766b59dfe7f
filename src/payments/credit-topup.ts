/**
 * Crediting a paid top-up, at most once (specs/payments.md §4.2, §4.4): one gateway_deposit transfer
 * from the gateway's clearing account to the wallet, its external id `<gateway>:<gateway payment id>`, so
 * a second credit of the same payment meets the unique (code, external id) and answers what the first
 * did. Concurrent credits also queue on the top-up's row lock, and only the first moves money.
 *
 * What was actually paid is deposited (more or less than asked), converted at the rate snapshotted when
 * the top-up was created, rounded half up. In the same transaction the fee snapshotted at creation goes
 * from the wallet to fee revenue (topup_fee) and the bonus of the snapshotted tier that the paid IDR
 * reaches comes from the bonus account (topup_bonus) — topup-terms.ts has the arithmetic — so the
 * statement shows the three lines. A payment that succeeds after the top-up expired or failed is still
 * credited: the money arrived. A top-up in review is not: an operator decides, and crediting it is their
 * own verb (creditReviewedTopup), never this one. What the account owes (its receivable) is settled first
 * from what the wallet kept; the top-up becomes `credited` in the same transaction, with the gateway's
 * charge reference (filled in on a replay too, if it was not known then).
 */
import type Big from 'big.js';
import { BALANCE_COLUMNS, MAX_AMOUNT, type WalletBalance } from '../ledger/ledger-account.ts';
import { type DbContext, pgConstraint, withTransaction } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import { toIdr } from '../platform/money.ts';
import type { GatewayCode } from './gateway-port.ts';
import { assertGatewayCode } from './gateway-settings.ts';
import { lockTopupByPayment, parseAmount, TOPUP_COLUMNS, type TopupRecord } from './topup.ts';
import { chargeWallet, creditWallet, lockAccounts, settleOwed } from './topup-ledger.ts';
import { bonusIdrOf, bonusPercentOf, feeIdrOf } from './topup-terms.ts';

export interface CreditTopupInput {
  gateway: GatewayCode;
  gatewayPaymentId: string;
  /** What the gateway's re-check says was paid: decimal string in paidCurrency. */
  paidAmount: string;
  paidCurrency: string;
  /** The gateway's charge behind the payment (PaymentStatus.chargeRef): how refunds and disputes find it. */
  chargeRef?: string | null | undefined;
}

export interface CreditTopupResult {
  topup: TopupRecord;
  /** The deposit's transfer. */
  transferId: number;
  /** The payment's IDR value: the deposit. The wallet got creditedIdr − feeIdr + bonusIdr. */
  creditedIdr: number;
  feeIdr: number;
  bonusIdr: number;
  /** The part of the credit that paid what the account owed. */
  settledIdr: number;
  /** True when the payment had been credited already (nothing moved this time). */
  replayed: boolean;
  balance: WalletBalance;
}

/** The deposit's external id: one per gateway payment, ever. */
export function depositExternalId(gateway: GatewayCode, gatewayPaymentId: string): string {
  return `${gateway}:${gatewayPaymentId}`;
}

export async function creditTopup({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: CreditTopupInput;
}): Promise<CreditTopupResult> {
  return onLockedTopup(ctx, input, async (tx, topup, paid) => {
    const chargeRef = input.chargeRef ?? null;
    const externalId = depositExternalId(topup.gateway, input.gatewayPaymentId);
    if (topup.status === 'credited') {
      const linked =
        topup.gatewayChargeRef === null && chargeRef !== null
          ? await storeChargeRef(tx, topup.id, chargeRef)
          : topup;
      return replay(tx, linked, externalId);
    }
    if (topup.status === 'review') {
      throw new DomainError('CONFLICT', `top-up ${topup.publicId} is in review: an operator decides`);
    }
    if (topup.reviewDecision === 'reject') {
      throw new DomainError('CONFLICT', `an operator rejected top-up ${topup.publicId}`);
    }
    return deposit(tx, topup, input, paid, externalId);
  });
}

/**
 * An operator's decision to credit a top-up in review (resolve-topup-review.ts), with what the gateway's
 * re-check says was paid. Only a top-up still in review: one that was credited meanwhile is a CONFLICT,
 * not a replay, so the operator learns the decision was not theirs. The deposit is the same one, under
 * the same unique external id, so the payment is still credited at most once.
 */
export async function creditReviewedTopup({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: CreditTopupInput;
}): Promise<CreditTopupResult> {
  return onLockedTopup(ctx, input, async (tx, topup, paid) => {
    if (topup.status !== 'review') {
      throw new DomainError('CONFLICT', `top-up ${topup.publicId} is ${topup.status}, not in review`);
    }
    return deposit(tx, topup, input, paid, depositExternalId(topup.gateway, input.gatewayPaymentId));
  });
}

/** Checks the input, then runs `act` in a transaction holding the top-up's row lock. */
function onLockedTopup(
  ctx: DbContext,
  input: CreditTopupInput,
  act: (tx: DbContext, topup: TopupRecord, paid: Big) => Promise<CreditTopupResult>,
): Promise<CreditTopupResult> {
  const gateway = assertGatewayCode(input.gateway);
  const paid = parseAmount(input.paidAmount, 'paid amount');
  checkChargeRef(input.chargeRef);
  return withTransaction(ctx, async (tx) =>
    act(tx, await lockTopupByPayment(tx.db, gateway, input.gatewayPaymentId), paid),
  );
}

/** The deposit itself, on a top-up locked by the caller's transaction and not yet credited. */
async function deposit(
  tx: DbContext,
  topup: TopupRecord,
  input: CreditTopupInput,
  paid: Big,
  externalId: string,
): Promise<CreditTopupResult> {
  if (input.paidCurrency.toUpperCase() !== topup.requestedCurrency) {
    throw new DomainError(
      'VALIDATION_ERROR',
      `top-up ${topup.publicId} is in ${topup.requestedCurrency}, not ${input.paidCurrency}`,
    );
  }
  const creditedIdr = toIdr(paid.toFixed(2), topup.fxIdrPerUnit);
  if (creditedIdr <= 0 || creditedIdr > MAX_AMOUNT) {
    throw new DomainError('VALIDATION_ERROR', `a paid amount of ${input.paidAmount} cannot be credited`);
  }

  const feeIdr = feeIdrOf(creditedIdr, topup.feePercent);
  const bonusPercent = bonusPercentOf(topup.bonusTiers, creditedIdr);
  const bonusIdr = bonusIdrOf(creditedIdr, bonusPercent);

  const accounts = await lockAccounts(tx.db, topup.accountId, topup.gateway);
  const transferId = await creditWallet(tx.db, accounts, {
    code: 'gateway_deposit',
    from: accounts.gatewayAccountId,
    amount: creditedIdr,
    externalId,
    memo: topup.publicId,
  });
  // The deposit exists though the top-up did not say so: only a hand-made transfer gets here.
  if (transferId === null) {
    throw new Error(`deposit ${externalId} exists for top-up ${topup.publicId} not credited`);
  }
  if (feeIdr > 0) {
    await chargeWallet(tx.db, accounts, {
      code: 'topup_fee',
      to: accounts.feeAccountId,
      amount: feeIdr,
      externalId: `topup:${topup.id}:fee`,
      memo: `${topup.publicId}: ${topup.gateway} fee ${topup.feePercent}%`,
    });
  }
  if (bonusIdr > 0) {
    await creditWallet(tx.db, accounts, {
      code: 'topup_bonus',
      from: accounts.bonusAccountId,
      amount: bonusIdr,
      externalId: `topup:${topup.id}:bonus`,
      memo: `${topup.publicId}: loyalty bonus ${bonusPercent}%`,
    });
  }
  const settledIdr = await settleOwed(tx.db, accounts, creditedIdr - feeIdr + bonusIdr, transferId);

  const updated = await tx.db
    .query<TopupRecord>(
      `WITH t AS (
         UPDATE topups SET status = 'credited', paid_amount = $2, credited_idr = $3, credited_at = now(),
           fee_idr = $4, bonus_percent = $5, bonus_idr = $6,
           gateway_charge_ref = coalesce(gateway_charge_ref, $7), updated_at = now()
         WHERE id = $1 RETURNING *)
       SELECT ${TOPUP_COLUMNS} FROM t`,
      [topup.id, paid.toFixed(2), creditedIdr, feeIdr, bonusPercent, bonusIdr, input.chargeRef ?? null],
    )
    .catch(chargeRefConflict);
  return {
    topup: updated.rows[0]!,
    transferId,
    creditedIdr,
    feeIdr,
    bonusIdr,
    settledIdr,
    replayed: false,
    balance: await walletBalance(tx, topup.accountId),
  };
}

function checkChargeRef(chargeRef: string | null | undefined): string | null {
  if (chargeRef != null && !/^[\x21-\x7e]{1,200}$/.test(chargeRef)) {
    throw new DomainError('VALIDATION_ERROR', 'gateway charge reference must be 1-200 printable characters');
  }
  return chargeRef ?? null;
}

async function storeChargeRef(tx: DbContext, id: number, chargeRef: string): Promise<TopupRecord> {
  const updated = await tx.db
    .query<TopupRecord>(
      `WITH t AS (
         UPDATE topups SET gateway_charge_ref = $2, updated_at = now() WHERE id = $1 RETURNING *)
       SELECT ${TOPUP_COLUMNS} FROM t`,
      [id, chargeRef],
    )
    .catch(chargeRefConflict);
  return updated.rows[0]!;
}

/** One charge is behind one payment: a second top-up naming it is the gateway's contradiction. */
function chargeRefConflict(error: unknown): never {
  if (pgConstraint(error) === 'topups_gateway_charge_ref_key') {
    throw new DomainError('CONFLICT', 'that gateway charge already belongs to another top-up');
  }
  throw error;
}

async function replay(tx: DbContext, topup: TopupRecord, externalId: string): Promise<CreditTopupResult> {
  const original = await tx.db.query<{ id: number; settled: number | null }>(
    `SELECT d.id, s.amount AS settled FROM transfers d
     LEFT JOIN transfers s ON s.code = 'receivable_settle' AND s.external_id = 'transfer:' || d.id
     WHERE d.code = 'gateway_deposit' AND d.external_id = $1`,
    [externalId],
  );
  const row = original.rows[0];
  if (!row) throw new Error(`credited top-up ${topup.publicId} has no deposit ${externalId}`);
  return {
    topup,
    transferId: row.id,
    creditedIdr: topup.creditedIdr!,
    feeIdr: topup.feeIdr,
    bonusIdr: topup.bonusIdr,
    settledIdr: row.settled ?? 0,
    replayed: true,
    balance: await walletBalance(tx, topup.accountId),
  };
}

async function walletBalance(tx: DbContext, accountId: number): Promise<WalletBalance> {
  const row = await tx.db.query<WalletBalance>(
    `SELECT ${BALANCE_COLUMNS} FROM ledger_accounts WHERE account_id = $1`,
    [accountId],
  );
  return row.rows[0]!;
}
