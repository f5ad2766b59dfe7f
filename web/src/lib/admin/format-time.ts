/** Instants on the admin pages: in UTC, the operators' common clock, written the visitor's way. */
import type { Language } from '../../i18n/language.ts';
import { formatDuration } from '../format.ts';

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

/** A time to code: fractions of a second under ten seconds (a sandbox code takes less than one). */
export function formatSeconds(ms: number, language: Language): string {
  if (ms >= 10_000) return formatDuration(ms, language);
  return new Intl.NumberFormat(LOCALES[language], {
    style: 'unit',
    unit: 'second',
    unitDisplay: 'short',
    maximumFractionDigits: ms < 1000 ? 2 : 1,
  }).format(ms / 1000);
}
