/**
 * Money arithmetic on exact decimals. The ledger unit is the integer rupiah; other currencies are
 * projections at a stored rate, rounded half-up — never floats.
 */
import Big from 'big.js';

const DECIMAL = /^\d{1,15}(\.\d{1,12})?$/;

export function isDecimalString(value: string): boolean {
  return DECIMAL.test(value);
}

/** amount × idrPerUnit exactly, as decimal text (a cost in IDR before any rounding). */
export function toExactIdr(amount: string, idrPerUnit: string | number): string {
  return new Big(amount).times(idrPerUnit).toFixed();
}

/** amount (decimal text) × idrPerUnit, rounded half-up to whole IDR. */
export function toIdr(amount: string, idrPerUnit: string | number): number {
  return Number(new Big(amount).times(idrPerUnit).round(0, Big.roundHalfUp).toFixed(0));
}

/** Whole IDR → a decimal string in a currency worth idrPerUnit, half-up at dp places, zero-padded. */
export function fromIdr(idr: number, idrPerUnit: string | number, dp: number): string {
  if (
    typeof idrPerUnit === 'number' &&
    Number.isSafeInteger(idrPerUnit) &&
    Number.isSafeInteger(idr) &&
    idr >= 0
  ) {
    return integerRateFromIdr(idr, idrPerUnit, dp);
  }
  return new Big(idr).div(idrPerUnit).round(dp, Big.roundHalfUp).toFixed(dp);
}

// Hot path (every /v2 price): whole-number rates in exact BigInt arithmetic, same result as big.js.
function integerRateFromIdr(idr: number, rate: number, dp: number): string {
  const scaled = BigInt(idr) * 10n ** BigInt(dp);
  const divisor = BigInt(rate);
  let units = scaled / divisor;
  if ((scaled % divisor) * 2n >= divisor) units += 1n;
  const digits = units.toString().padStart(dp + 1, '0');
  return dp === 0 ? digits : `${digits.slice(0, -dp)}.${digits.slice(-dp)}`;
}

/** Whole IDR → decimal text rounded up at dp places: a displayed price that, paid back, always covers it. */
export function fromIdrUp(idr: number, idrPerUnit: string | number, dp: number): string {
  return new Big(idr).div(idrPerUnit).round(dp, Big.roundUp).toFixed(dp);
}

/** A customer's USD limit → IDR: floor for a maximum, ceil for a minimum, so neither is overstepped. */
export function usdToIdrBound(usd: string, idrPerUsd: number, bound: 'max' | 'min'): number {
  const mode = bound === 'max' ? Big.roundDown : Big.roundUp;
  // Limits beyond any possible price behave as "no limit" and stay exact integers.
  return Math.min(Number(new Big(usd).times(idrPerUsd).round(0, mode).toFixed(0)), Number.MAX_SAFE_INTEGER);
}

/** ceil(idr × multiplier) + add: a selling price never undercuts the markup. idr may be a fraction. */
export function applyMultiplier(idr: number | string, multiplier: string | number, add: number): number {
  return Number(new Big(idr).times(multiplier).round(0, Big.roundUp).toFixed(0)) + add;
}
