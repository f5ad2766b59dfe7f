/** Instants on the admin pages: in UTC, the operators' common clock, written the visitor's way. */
import type { Language } from '../../i18n/language.ts';

const LOCALES: Record<Language, string> = { en: 'en-GB', ru: 'ru-RU' };

export function formatTime(iso: string | null | undefined, language: Language): string {
  if (!iso) return '—';
  return `${new Intl.DateTimeFormat(LOCALES[language], {
    dateStyle: 'short',
    timeStyle: 'medium',
    timeZone: 'UTC',
  }).format(new Date(iso))} UTC`;
}

/** The hour and minute of a chart's bucket. */
export function formatClock(at: Date, language: Language): string {
  return new Intl.DateTimeFormat(LOCALES[language], { timeStyle: 'short', timeZone: 'UTC' }).format(at);
}

/** A provider call's latency, in whole milliseconds. */
export function formatLatency(ms: number, language: Language): string {
  return new Intl.NumberFormat(LOCALES[language], {
    style: 'unit',
    unit: 'millisecond',
    unitDisplay: 'short',
    maximumFractionDigits: 0,
  }).format(ms);
}
