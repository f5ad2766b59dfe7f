import type { billingEn } from './billing.en.ts';

/** Russian strings of the billing pages. */
export const billingRu: Record<keyof typeof billingEn, string> = {};
