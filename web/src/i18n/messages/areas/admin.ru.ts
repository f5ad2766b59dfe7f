import type { adminEn } from './admin.en.ts';

/** Russian strings of the admin pages. */
export const adminRu: Record<keyof typeof adminEn, string> = {};
