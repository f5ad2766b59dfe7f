/**
 * USD amounts between numpool's decimal strings and Stripe's integer cents, with string and integer
 * arithmetic only: a float round-trip (`0.29 * 100 = 28.999…`) would charge a cent less.
 */

const DECIMAL = /^(0|[1-9]\d{0,12})(?:\.(\d{1,2}))?$/;

/** `"10.00"` → `1000`; undefined for anything that is not a non-negative amount with at most 2 decimals. */
export function dollarsToCents(amount: string): number | undefined {
  const match = DECIMAL.exec(amount);
  if (!match) return undefined;
  const whole = match[1] ?? '0';
  const fraction = (match[2] ?? '').padEnd(2, '0');
  return Number(whole) * 100 + Number(fraction);
}

/** `1000` → `"10.00"`; Stripe amounts are non-negative integers. */
export function centsToDollars(cents: number): string {
  if (!Number.isSafeInteger(cents) || cents < 0) throw new RangeError(`not an amount in cents: ${cents}`);
  const whole = Math.floor(cents / 100);
  const fraction = cents % 100;
  return `${whole}.${String(fraction).padStart(2, '0')}`;
}
