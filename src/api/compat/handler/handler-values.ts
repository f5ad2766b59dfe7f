/** Values as handler-protocol clients expect them. */
import { fromIdr, fromIdrUp } from '../../../platform/money.ts';

/** "YYYY-MM-DD HH:MM:SS", UTC. */
export function handlerTime(date: Date | null): string {
  return date ? date.toISOString().slice(0, 19).replace('T', ' ') : '0000-00-00 00:00:00';
}

/**
 * When a ban ends, as SMS-Activate writes it after `BANNED:` — `'YYYY-m-d H-i-s'` in PHP's date letters:
 * quoted, zero-padded, dashes between hour, minute and second, UTC. Clients take everything after
 * `BANNED:` (or split it at the space into a date and an H-i-s time), so the shape is kept exactly.
 */
export function handlerBanTime(date: Date): string {
  const iso = date.toISOString();
  return `'${iso.slice(0, 10)} ${iso.slice(11, 19).replaceAll(':', '-')}'`;
}

/** USD decimal text at the given places, trailing zeros kept ("0.6491", "62.50"). */
export function usd(idr: number, rate: number, dp = 4): string {
  return fromIdr(idr, rate, dp);
}

/**
 * An offer's price as a limit a client may send back (maxPrice): rounded up, so maxPrice = this price,
 * floored to IDR, still covers the offer.
 */
export function usdPrice(idr: number, rate: number): string {
  return fromIdrUp(idr, rate, 4);
}

/** A code as handler clients may split it: never a ':'. */
export function safeCode(code: string | null): string {
  return (code ?? '').replaceAll(':', '').trim();
}

/** Parses an id parameter: a positive int32, or undefined. */
export function intParam(value: string | undefined): number | undefined {
  if (value === undefined || !/^-?\d{1,10}$/.test(value.trim())) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) && n <= 2_147_483_647 && n >= -2_147_483_648 ? n : undefined;
}

/** ISO 4217 numeric code of the currency prices are shown in (USD). */
export const USD_CODE = 840;
