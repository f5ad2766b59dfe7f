/** Dates and statuses of orders as each language shows them. Pure functions, shared by pages and tests. */
import type { Language } from '../i18n/language.ts';
import type { MessageKey } from '../i18n/messages/en.ts';
import type { OrderStatus } from './smscode-types.ts';

const LOCALES: Record<Language, string> = { en: 'en-US', ru: 'ru-RU' };

/** A moment in UTC (the server does not know the visitor's zone; the order page's script shows local time). */
export function formatDateTime(iso: string | null, language: Language): string {
  if (!iso) return '';
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

export const statusKey = (status: OrderStatus): MessageKey => `orders.status.${status}`;

export const isOpen = (status: OrderStatus) => status === 'ACTIVE' || status === 'OTP_RECEIVED';

/** A /v2 price as the API states it (up to 4 decimals), so a shown price is never rounded below the charge. */
export function formatPrice(usd: string, language: Language): string {
  return new Intl.NumberFormat(LOCALES[language], {
    style: 'currency',
    currency: 'USD',
    minimumFractionDigits: 2,
    maximumFractionDigits: 4,
  }).format(Number(usd));
}
