/** English strings of the billing pages. */
export const billingEn = {} as const;
