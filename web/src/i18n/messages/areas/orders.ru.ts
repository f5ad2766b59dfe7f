import type { ordersEn } from './orders.en.ts';

/** Russian strings of the orders pages. */
export const ordersRu: Record<keyof typeof ordersEn, string> = {};
