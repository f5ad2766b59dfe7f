/** English strings of the admin pages. */
export const adminEn = {} as const;
