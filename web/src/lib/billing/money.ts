/** Amounts and moments on the billing pages, as each language writes them. */
import type { Language } from '../../i18n/language.ts';

const LOCALES: Record<Language, string> = { en: 'en-US', ru: 'ru-RU' };

/** A decimal string in a gateway's currency (IDR has no minor unit shown). */
export function formatAmount(amount: string, currency: string, language: Language): string {
  const digits = currency === 'IDR' ? 0 : 2;
  return new Intl.NumberFormat(LOCALES[language], {
    style: 'currency',
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(Number(amount));
}

/** A signed IDR movement: "+Rp 10,000" into the wallet, "−Rp 500" out of it. */
export function formatSignedIdr(idr: number, language: Language): string {
  return new Intl.NumberFormat(LOCALES[language], {
    style: 'currency',
    currency: 'IDR',
    maximumFractionDigits: 0,
    signDisplay: 'exceptZero',
  }).format(idr);
}

/** A moment in UTC, so every visitor reads the same time as the API's. */
export function formatMoment(iso: string, language: Language): string {
  return new Intl.DateTimeFormat(LOCALES[language], {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'UTC',
    timeZoneName: 'short',
  }).format(new Date(iso));
}
