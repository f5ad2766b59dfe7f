/**
 * The `max_price` a confirm form sends for the price it shows. /v2 floors a USD limit to whole IDR, and the
 * displayed 4-decimal USD is rounded, so sending it back could land one rupiah under the very offer shown.
 * The exact quotient rounded up at 8 decimals (the API's finest) floors back to the same IDR for any rate
 * below 10^8 IDR per USD: the customer is never charged more than the price they confirmed.
 */
const DECIMALS = 8n;

export function maxPriceUsd(canonicalIdr: number, idrPerUsd: number): string {
  const scale = 10n ** DECIMALS;
  const rate = BigInt(idrPerUsd);
  const units = (BigInt(canonicalIdr) * scale + rate - 1n) / rate;
  const whole = units / scale;
  const fraction = (units % scale).toString().padStart(Number(DECIMALS), '0');
  return `${whole}.${fraction}`;
}
