import { DomainError } from '../platform/errors.ts';

/** Platform ledger accounts created by the migrations (the gateways' clearing accounts aside). */
export const PLATFORM_ACCOUNTS = {
  funding: 'platform:funding',
  revenue: 'platform:revenue',
  providerPayable: 'platform:provider_payable',
  /** Top-up fees customers paid (revenue). */
  topupFees: 'platform:topup_fees',
  /** Loyalty bonuses given on top-ups (a promotions expense). */
  topupBonuses: 'platform:topup_bonuses',
} as const;

/** Largest single amount accepted (IDR): far above any real top-up, far below 2^53. */
export const MAX_AMOUNT = 1_000_000_000_000;

/** One movement's amount: whole rupiah, from 1 to MAX_AMOUNT. */
export function checkIdrAmount(amount: number): void {
  if (!Number.isSafeInteger(amount) || amount <= 0 || amount > MAX_AMOUNT) {
    throw new DomainError('VALIDATION_ERROR', `amount must be a whole number of IDR from 1 to ${MAX_AMOUNT}`);
  }
}

export function walletCode(accountId: number): string {
  return `wallet:${accountId}`;
}

export interface WalletBalance {
  /** Spendable now: posted credits minus posted debits minus holds. */
  available: number;
  posted: number;
  pending: number;
}

export const BALANCE_COLUMNS = `credits_posted - debits_posted - debits_pending AS available,
  credits_posted - debits_posted AS posted, debits_pending AS pending`;

/** A gateway's clearing account: what it collected for numpool, less what it took back (payments/). */
export function gatewayAccountCode(gateway: string): string {
  return `platform:gateway:${gateway}`;
}

/** What a customer owes (refunds and disputes the wallet could not cover); owed = debits - credits. */
export function receivableCode(accountId: number): string {
  return `receivable:${accountId}`;
}
