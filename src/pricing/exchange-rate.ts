import type { DbContext } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import { listFxRates, type RateSnapshot } from './fx-rates.ts';

export interface ExchangeRate {
  pair: string;
  base: string;
  quote: string;
  /** Whole quote-currency units per one base unit. */
  rate: number;
  asOf: Date;
}

/** A published pair: only X/IDR pairs have whole-number rates in the contract's sense. */
export async function getExchangeRate({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { pair: string };
}): Promise<ExchangeRate> {
  const match = /^([A-Z]{3})\/([A-Z]{3})$/.exec(input.pair.trim().toUpperCase());
  const rate =
    match && match[2] === 'IDR' && match[1] !== 'IDR'
      ? (await listFxRates({ ctx })).find((r) => r.currency === match[1])
      : undefined;
  if (!match || !rate) throw new DomainError('NOT_FOUND', `no exchange rate for ${input.pair}`);
  return {
    pair: `${match[1]}/IDR`,
    base: match[1]!,
    quote: 'IDR',
    rate: Math.round(Number(rate.idrPerUnit)),
    asOf: rate.updatedAt,
  };
}

/**
 * The USD/IDR rate every /v2 money value in one response is projected at: from the catalog snapshot when
 * there is one (a rate change invalidates it), else from the database.
 */
export async function getUsdRate({
  ctx,
}: {
  ctx: DbContext & { catalogCache?: RateSnapshot };
}): Promise<{ rate: number; asOf: Date }> {
  const rates = ctx.catalogCache ? (await ctx.catalogCache.get(ctx)).fx : await listFxRates({ ctx });
  const usd = rates.find((r) => r.currency === 'USD');
  if (!usd) throw new DomainError('FX_RATE_UNAVAILABLE', 'the USD/IDR rate is not available');
  return { rate: Math.round(Number(usd.idrPerUnit)), asOf: usd.updatedAt };
}
