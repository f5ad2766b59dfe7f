/** English strings of the orders pages. */
export const ordersEn = {} as const;
