/** Currencies providers price in. Converted to integer IDR at sync time. */
export type ProviderCurrency = 'USD' | 'RUB' | 'IDR';
