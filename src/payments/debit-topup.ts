/**
 * Money a gateway took back from a credited top-up — a refund or a dispute (specs/payments.md §4.5).
 * The gateway already has the money, so the debit cannot be refused: the wallet gives what is available
 * (holds stay covered, it never goes below zero) and the rest is booked to the account's receivable,
 * which blocks new orders until a later credit settles it.
 *
 * Amounts are cumulative per top-up, in its currency (Stripe reports `amount_refunded` so): only the part
 * not yet debited moves, converted at the top-up's snapshotted rate, so repeats and out-of-order
 * notifications move nothing twice. refunded_idr / disputed_idr record the payment's IDR value taken back.
 *
 * The rule for a top-up that charged a fee or gave a bonus (topup-terms.ts takenBackShares): of the IDR
 * the gateway took back, the customer gives back only the net share, floor(taken × net / paid) — never
 * more than the top-up put in net; the fee's share comes back from fee revenue (topup_fee_return); and the
 * bonus is clawed back in the same proportion, floored, from the wallet and then the receivable like the
 * rest (topup_bonus_clawback, topup_bonus_shortfall).
 */
import { type DbContext, withTransaction } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import { toIdr } from '../platform/money.ts';
import type { GatewayCode } from './gateway-port.ts';
import { assertGatewayCode } from './gateway-settings.ts';
import { lockTopupByPayment, parseAmount, TOPUP_COLUMNS, type TopupRecord } from './topup.ts';
import { lockAccounts, takeFromCustomer, writeTransfer } from './topup-ledger.ts';
import { takenBackShares } from './topup-terms.ts';

export interface DebitTopupInput {
  gateway: GatewayCode;
  gatewayPaymentId: string;
  /** Cumulative refunded (or disputed) amount so far, decimal string in the top-up's currency. */
  amount: string;
  /** Defaults to the top-up's currency. */
  currency?: string | undefined;
  reason?: string | undefined;
}

export interface DebitTopupResult {
  topup: TopupRecord;
  /** IDR the customer gave back this time (0 for a repeat): fromWalletIdr + shortfallIdr. */
  debitedIdr: number;
  /** Of which the bonus clawed back. */
  bonusClawedIdr: number;
  /** The fee's share, returned from fee revenue (not the customer's money). */
  feeReturnedIdr: number;
  fromWalletIdr: number;
  /** Booked to the receivable: what the customer now owes on top. */
  shortfallIdr: number;
  replayed: boolean;
}

type DebitKind = 'refund' | 'dispute';

const COLUMNS = {
  refund: { amount: 'refunded_amount', idr: 'refunded_idr' },
  dispute: { amount: 'disputed_amount', idr: 'disputed_idr' },
} as const;

async function debitTopup(
  ctx: DbContext,
  input: DebitTopupInput,
  kind: DebitKind,
): Promise<DebitTopupResult> {
  const gateway = assertGatewayCode(input.gateway);
  const cumulative = parseAmount(input.amount);
  return withTransaction(ctx, async (tx) => {
    const topup = await lockTopupByPayment(tx.db, gateway, input.gatewayPaymentId);
    if (input.currency !== undefined && input.currency.toUpperCase() !== topup.requestedCurrency) {
      throw new DomainError('VALIDATION_ERROR', `top-up ${topup.publicId} is in ${topup.requestedCurrency}`);
    }
    if (topup.creditedIdr === null) {
      throw new DomainError(
        'CONFLICT',
        `top-up ${topup.publicId} was never credited: there is nothing to take back`,
      );
    }
    const [done, other] =
      kind === 'refund' ? [topup.refundedIdr, topup.disputedIdr] : [topup.disputedIdr, topup.refundedIdr];
    // All a top-up can give back is what it put in (a won dispute put it in again).
    const ceiling = topup.creditedIdr + topup.disputeReversedIdr - other;
    const target = Math.min(toIdr(cumulative.toFixed(2), topup.fxIdrPerUnit), ceiling);
    if (target - done <= 0) {
      return {
        topup,
        debitedIdr: 0,
        bonusClawedIdr: 0,
        feeReturnedIdr: 0,
        fromWalletIdr: 0,
        shortfallIdr: 0,
        replayed: true,
      };
    }
    const shares = { creditedIdr: topup.creditedIdr, feeIdr: topup.feeIdr, bonusIdr: topup.bonusIdr };
    const was = takenBackShares(shares, done);
    const now = takenBackShares(shares, target);
    const [net, fee, bonus] = [now.net - was.net, now.fee - was.fee, now.bonus - was.bonus];

    const accounts = await lockAccounts(tx.db, topup.accountId, gateway);
    const move = {
      externalId: `topup:${topup.id}:${kind}:${target}`,
      memo: input.reason?.slice(0, 500) ?? null,
    };
    const none = { fromWalletIdr: 0, shortfallIdr: 0 };
    const fromNet =
      net > 0 ? await takeFromCustomer(tx.db, accounts, { ...move, to: 'gateway', amount: net }) : none;
    if (fee > 0) {
      await writeTransfer(tx.db, {
        ...move,
        code: 'topup_fee_return',
        debit: accounts.feeAccountId,
        credit: accounts.gatewayAccountId,
        amount: fee,
      });
    }
    const fromBonus =
      bonus > 0
        ? await takeFromCustomer(tx.db, accounts, {
            ...move,
            to: 'bonuses',
            amount: bonus,
            memo: `${topup.publicId}: ${kind} claws back the bonus`,
          })
        : none;
    const fromWalletIdr = fromNet.fromWalletIdr + fromBonus.fromWalletIdr;
    const shortfallIdr = fromNet.shortfallIdr + fromBonus.shortfallIdr;
    const columns = COLUMNS[kind];
    const updated = await tx.db.query<TopupRecord>(
      `WITH t AS (
         UPDATE topups SET ${columns.amount} = GREATEST(${columns.amount}, $2), ${columns.idr} = $3,
           shortfall_idr = shortfall_idr + $4, updated_at = now()
         WHERE id = $1 RETURNING *)
       SELECT ${TOPUP_COLUMNS} FROM t`,
      [topup.id, cumulative.toFixed(2), target, shortfallIdr],
    );
    return {
      topup: updated.rows[0]!,
      debitedIdr: net + bonus,
      bonusClawedIdr: bonus,
      feeReturnedIdr: fee,
      fromWalletIdr,
      shortfallIdr,
      replayed: false,
    };
  });
}

/** Heleket `refund_paid`, Stripe `charge.refunded` (cumulative `amount_refunded`). */
export function debitTopupRefund({ ctx, input }: { ctx: DbContext; input: DebitTopupInput }) {
  return debitTopup(ctx, input, 'refund');
}

/** Stripe `charge.dispute.created`: the disputed amount is taken back until the dispute is decided. */
export function debitTopupDispute({ ctx, input }: { ctx: DbContext; input: DebitTopupInput }) {
  return debitTopup(ctx, input, 'dispute');
}
