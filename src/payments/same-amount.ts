import Big from 'big.js';
import { isDecimalString } from '../platform/money.ts';
import type { StatedAmount } from './gateway-port.ts';

/** Whether two statements of money agree: same currency, same value (`150000` = `150000.00`). */
export function sameAmount(a: StatedAmount, b: StatedAmount): boolean {
  if (a.currency.toUpperCase() !== b.currency.toUpperCase()) return false;
  if (!isDecimalString(a.amount) || !isDecimalString(b.amount)) return false;
  return new Big(a.amount).eq(b.amount);
}
