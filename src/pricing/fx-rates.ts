/**
 * Exchange rates: IDR per unit of USD, RUB (and IDR = 1). Provider costs convert at sync time; USD prices on
 * /v2 and the handler API are projections at the USD rate.
 */
import type { AuditActor } from '../audit/audit-actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { type DbContext, withTransaction } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import type { ProviderCurrency } from './currency.ts';

export interface FxRate {
  currency: ProviderCurrency;
  /** Decimal text, e.g. "16000.000000". */
  idrPerUnit: string;
  source: 'config' | 'admin';
  updatedAt: Date;
}

/**
 * What pricing needs of a snapshot that carries the rates (the catalog's): its rates, and a way to drop it
 * when a rate changes. Declared here so pricing depends on no other domain (but the audit log).
 */
export interface RateSnapshot {
  get(ctx: DbContext): Promise<{ fx: FxRate[] }>;
  invalidate(): Promise<void>;
}

export async function listFxRates({ ctx }: { ctx: DbContext }): Promise<FxRate[]> {
  const result = await ctx.db.query<FxRate>({
    name: 'pricing.list-fx-rates',
    text: `SELECT currency, idr_per_unit::text AS "idrPerUnit", source, updated_at AS "updatedAt"
           FROM fx_rates ORDER BY currency`,
  });
  return result.rows;
}

export async function getFxRate({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { currency: ProviderCurrency };
}): Promise<FxRate> {
  const rate = (await listFxRates({ ctx })).find((r) => r.currency === input.currency);
  if (!rate) throw new DomainError('SERVICE_UNAVAILABLE', `no exchange rate for ${input.currency}`);
  return rate;
}

/** An operator's rate: kept across restarts, whatever the environment says. */
export async function setFxRate({
  ctx,
  input,
}: {
  ctx: DbContext & { catalogCache?: RateSnapshot };
  /** With an actor (an operator's action), the change is audited in the same transaction. */
  input: { currency: ProviderCurrency; idrPerUnit: number; actor?: AuditActor };
}): Promise<FxRate> {
  if (input.currency === 'IDR') throw new DomainError('VALIDATION_ERROR', 'the IDR rate is always 1');
  // Rates are published as whole IDR (the contract's FX receipt is an integer): below 1 would read as 0.
  if (!(input.idrPerUnit >= 1) || input.idrPerUnit > 1e9) {
    throw new DomainError('VALIDATION_ERROR', 'rate must be from 1 to 1000000000 IDR per unit');
  }
  const rate = await withTransaction(ctx, async (tx) => {
    const previous = await tx.db.query<{ idr_per_unit: string; source: string }>(
      'SELECT idr_per_unit::text, source FROM fx_rates WHERE currency = $1 FOR UPDATE',
      [input.currency],
    );
    await tx.db.query(
      `INSERT INTO fx_rates (currency, idr_per_unit, source) VALUES ($1, $2, 'admin')
       ON CONFLICT (currency) DO UPDATE SET idr_per_unit = excluded.idr_per_unit, source = 'admin', updated_at = now()`,
      [input.currency, input.idrPerUnit],
    );
    const current = await getFxRate({ ctx: tx, input });
    if (input.actor) {
      const old = previous.rows[0];
      await recordAudit({
        ctx: tx,
        input: {
          actor: input.actor,
          action: 'fx_rate.set',
          target: { type: 'fx_rate', id: input.currency },
          before: old ? { idr_per_unit: old.idr_per_unit, source: old.source } : null,
          after: { idr_per_unit: current.idrPerUnit, source: current.source },
        },
      });
    }
    return current;
  });
  await ctx.catalogCache?.invalidate();
  return rate;
}

/** At start: the configured USD rate applies unless an operator set one. */
export async function applyConfiguredUsdRate({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { idrPerUsd: number };
}) {
  await ctx.db.query(
    `UPDATE fx_rates SET idr_per_unit = $1, updated_at = now()
     WHERE currency = 'USD' AND source = 'config' AND idr_per_unit <> $1`,
    [input.idrPerUsd],
  );
}
