/** Numbers as each language writes them. Pure functions, shared by pages and tests. */
import type { Language } from '../i18n/language.ts';

const LOCALES: Record<Language, string> = { en: 'en-US', ru: 'ru-RU' };

export function formatIdr(idr: number, language: Language): string {
  return new Intl.NumberFormat(LOCALES[language], {
    style: 'currency',
    currency: 'IDR',
    maximumFractionDigits: 0,
  }).format(idr);
}

/** A USD amount given as a decimal string (exact, never a float sum). */
export function formatUsd(usd: string, language: Language): string {
  return new Intl.NumberFormat(LOCALES[language], {
    style: 'currency',
    currency: 'USD',
    minimumFractionDigits: 2,
  }).format(Number(usd));
}

export function formatCount(count: number, language: Language): string {
  return new Intl.NumberFormat(LOCALES[language]).format(count);
}

export function formatRate(rate: number, language: Language): string {
  return new Intl.NumberFormat(LOCALES[language], { style: 'percent', maximumFractionDigits: 0 }).format(
    rate,
  );
}

/** Seconds under two minutes, whole minutes above. */
export function formatDuration(ms: number, language: Language): string {
  const seconds = Math.round(ms / 1000);
  const [value, unit] = seconds < 120 ? [seconds, 'second'] : [Math.round(seconds / 60), 'minute'];
  return new Intl.NumberFormat(LOCALES[language], { style: 'unit', unit, unitDisplay: 'short' }).format(
    value,
  );
}
