/** Times and amounts as the wire protocols print them. */
import Big from 'big.js';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `YYYY-MM-DD HH:MM:SS` (UTC), the handler protocol's time format. */
export function handlerTime(ms: number): string {
  const d = new Date(ms);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  );
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** A money amount with 2–4 decimals: 250 → "250.00", 0.1234 → "0.1234", 2.225 → "2.225". */
export function moneyText(amount: Big | string): string {
  const fixed = new Big(amount).round(4, Big.roundHalfUp).toFixed(4);
  return fixed.replace(/(\.\d\d\d?)0+$/, '$1').replace(/(\.\d\d)0$/, '$1');
}

/** A decimal string or number as a JSON number (our prices have ≤ 4 places, so this is exact). */
export function jsonNumber(amount: Big | string): number {
  return Number(new Big(amount).toString());
}

/** Parses a decimal from the wire (query strings), or undefined when it is not one. */
export function parseDecimal(text: string | null | undefined): Big | undefined {
  if (text === null || text === undefined) return undefined;
  const trimmed = text.trim().replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return undefined;
  return new Big(trimmed);
}
