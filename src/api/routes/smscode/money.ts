/** /v2 money projections: one USD/IDR rate per response, half-up, fixed decimals. */
import { fromIdr } from '../../../platform/money.ts';

export interface FxReceipt {
  pair: 'USD/IDR';
  rate: number;
  rate_as_of: string | null;
}

export function fxReceipt(usd: { rate: number; asOf: Date | null }): FxReceipt {
  return { pair: 'USD/IDR', rate: usd.rate, rate_as_of: usd.asOf ? usd.asOf.toISOString() : null };
}

/** Prices at 4 decimals, wallet totals at 2. */
export function usdMoney(idr: number, fx: FxReceipt, dp: 2 | 4) {
  return {
    amount: fromIdr(idr, fx.rate, dp),
    currency: 'USD' as const,
    canonical_amount: idr,
    canonical_currency: 'IDR' as const,
  };
}
