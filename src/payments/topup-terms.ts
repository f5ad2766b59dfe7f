/**
 * The fee and bonus arithmetic of a top-up, in whole IDR with exact integers (BigInt, big.js), never floats.
 * Both terms are snapshotted on the top-up when it is created; these functions only read the snapshot.
 *
 * - Fee: round_half_up(paid × fee_percent / 100), paid being the payment's IDR value (the deposit). The
 *   customer keeps net = paid − fee.
 * - Bonus: the snapshotted tier with the highest min_idr at most the paid IDR applies (decided at credit,
 *   from what was actually paid, so paying over or under moves a top-up across a tier); the bonus is
 *   floor(paid × percent / 100) — a promotion never gives more than its stated percent.
 * - Taking back (refund, dispute): the gateway takes back T of the payment's IDR value. Rule: the
 *   customer gives back the net share of it, floor(T × net / paid), never more than the top-up put in net;
 *   the fee's share, T − that, is returned from fee revenue (numpool charged a fee for money it no longer
 *   has); and the bonus is clawed back in proportion, floor(T × bonus / paid). A full refund (T = paid)
 *   takes back exactly net and the whole bonus. A won dispute returns the same shares of what it re-credits.
 *   Cumulative figures go through these functions and only differences move, so every share telescopes:
 *   repeated or partial take-backs add up to the share of their total.
 */
import Big from 'big.js';
import { DomainError } from '../platform/errors.ts';

export interface BonusTier {
  /** Smallest paid amount, in IDR, the tier applies to. */
  minIdr: number;
  /** Decimal percent, two places: "4.00". */
  percent: string;
}

/** The largest number of tiers an operator may set. */
export const MAX_BONUS_TIERS = 20;

const PERCENT = /^(100(\.0{1,2})?|[0-9]{1,2}(\.[0-9]{1,2})?)$/;

/** Validated tiers, ascending by min_idr, percent normalised to two decimals. Empty: no bonus. */
export function parseBonusTiers(tiers: { minIdr: number; percent: string }[]): BonusTier[] {
  if (tiers.length > MAX_BONUS_TIERS) {
    throw new DomainError('VALIDATION_ERROR', `at most ${MAX_BONUS_TIERS} bonus tiers`);
  }
  const parsed = tiers.map((t) => {
    if (!Number.isSafeInteger(t.minIdr) || t.minIdr < 0 || t.minIdr > 1_000_000_000_000) {
      throw new DomainError(
        'VALIDATION_ERROR',
        'min_idr must be a whole number of IDR from 0 to 1000000000000',
      );
    }
    if (!PERCENT.test(t.percent) || new Big(t.percent).lte(0)) {
      throw new DomainError('VALIDATION_ERROR', 'percent must be a decimal above 0 and at most 100');
    }
    return { minIdr: t.minIdr, percent: new Big(t.percent).toFixed(2) };
  });
  const sorted = parsed.sort((a, b) => a.minIdr - b.minIdr);
  if (sorted.some((t, i) => i > 0 && sorted[i - 1]!.minIdr === t.minIdr)) {
    throw new DomainError('VALIDATION_ERROR', 'each tier needs its own min_idr');
  }
  return sorted;
}

/** round_half_up(paidIdr × feePercent / 100). */
export function feeIdrOf(paidIdr: number, feePercent: string): number {
  return Number(new Big(paidIdr).times(feePercent).div(100).round(0, Big.roundHalfUp).toFixed(0));
}

/** The percent of the tier that applies to paidIdr, or null when none does. */
export function bonusPercentOf(tiers: readonly BonusTier[], paidIdr: number): string | null {
  let applies: string | null = null;
  for (const tier of tiers) if (tier.minIdr <= paidIdr) applies = tier.percent;
  return applies;
}

/** floor(paidIdr × percent / 100). */
export function bonusIdrOf(paidIdr: number, percent: string | null): number {
  if (percent === null) return 0;
  return Number(new Big(paidIdr).times(percent).div(100).round(0, Big.roundDown).toFixed(0));
}

/** What a payment of paidIdr puts in the wallet under these terms: paid − fee + bonus. */
export function walletCreditOf(paidIdr: number, feePercent: string, tiers: readonly BonusTier[]): number {
  return paidIdr - feeIdrOf(paidIdr, feePercent) + bonusIdrOf(paidIdr, bonusPercentOf(tiers, paidIdr));
}

export interface TakenBackShares {
  /** From the customer (wallet, then receivable) to the gateway. */
  net: number;
  /** From fee revenue to the gateway: the fee on money the gateway took back. */
  fee: number;
  /** From the customer to the bonus account. */
  bonus: number;
}

/** The shares of takenIdr (≤ paid, of the payment's IDR value) the gateway took back; see the header. */
export function takenBackShares(
  topup: { creditedIdr: number; feeIdr: number; bonusIdr: number },
  takenIdr: number,
): TakenBackShares {
  const paid = BigInt(topup.creditedIdr);
  const taken = BigInt(takenIdr);
  const net = Number((taken * (paid - BigInt(topup.feeIdr))) / paid);
  return { net, fee: takenIdr - net, bonus: Number((taken * BigInt(topup.bonusIdr)) / paid) };
}

/** What the wallet gets if the top-up is paid as asked, under its snapshotted terms (shown before paying). */
export function estimatedWalletCredit(topup: {
  expectedIdr: number;
  feePercent: string;
  bonusTiers: readonly BonusTier[];
}): number {
  return walletCreditOf(topup.expectedIdr, topup.feePercent, topup.bonusTiers);
}

/** What the wallet got at credit (deposit − fee + bonus); null before. */
export function walletCreditOfTopup(topup: {
  creditedIdr: number | null;
  feeIdr: number;
  bonusIdr: number;
}): number | null {
  return topup.creditedIdr === null ? null : topup.creditedIdr - topup.feeIdr + topup.bonusIdr;
}
