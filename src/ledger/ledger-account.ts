/** Platform ledger accounts created by the first migration. */
export const PLATFORM_ACCOUNTS = {
  funding: 'platform:funding',
  revenue: 'platform:revenue',
  providerPayable: 'platform:provider_payable',
} as const;

/** Largest single amount accepted (IDR): far above any real top-up, far below 2^53. */
export const MAX_AMOUNT = 1_000_000_000_000;

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
