/**
 * Offer sync: a provider's prices and stock into its tier slots (products). A slot is one provider ×
 * catalog product × operator; its price and stock change in place and it is never repointed. Slots the
 * provider no longer offers drop to available = 0 and revive when the offer returns.
 *
 * Costs convert to IDR at the stored rate of the provider's currency; selling prices come from the markup
 * rules. The whole store is one transaction of a few set-based statements, so a full-catalog sync of
 * tens of thousands of offers takes well under a second of database time.
 */

import type { AuditActor } from '../audit/audit-actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { MAX_AMOUNT } from '../ledger/ledger-account.ts';
import { allowStatementsUpTo, type DbContext, withTransaction } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import { withLease } from '../platform/lease.ts';
import { toExactIdr, toIdr } from '../platform/money.ts';
import { getFxRate } from '../pricing/fx-rates.ts';
import { listMarkupRules, markupPricer } from '../pricing/markup-rules.ts';
import { getProvider } from './list-providers.ts';
import { ProviderError, type ProviderOffer } from './port.ts';
import type { ProviderRecord } from './provider.ts';
import type { ProvidersContext } from './providers-context.ts';

export interface SyncScope {
  countryId?: number | undefined;
  platformId?: number | undefined;
}

export interface SyncSummary {
  providerId: number;
  offers: number;
  unknownCodes: number;
  /** Slots of this provider (within the scope) that are now out of stock because the offer is gone. */
  withdrawn: number;
  durationMs: number;
}

/** products.cost is numeric(18,6); products.available is an int. */
const MAX_COST = 1e12;
const MAX_STOCK = 2 ** 31 - 1;

/** Keeps one offer per slot (the cheapest) so one statement never touches a row twice. */
function dedupe(offers: ProviderOffer[]): ProviderOffer[] {
  const bySlot = new Map<string, ProviderOffer>();
  for (const offer of offers) {
    const key = `${offer.countryId}:${offer.platformId}:${offer.operator ?? ''}`;
    const seen = bySlot.get(key);
    if (!seen || Number(offer.cost) < Number(seen.cost)) bySlot.set(key, offer);
  }
  return [...bySlot.values()];
}

export interface PricedOffer extends ProviderOffer {
  /** The cost in IDR, rounded. */
  costIdr: number;
  /** The selling price in IDR, after the markup rules. */
  price: number;
}

/**
 * Costs to IDR at the stored rate of the provider's currency, selling prices by the markup rules. Offers
 * the ledger could not hold are left out: one absurd entry must not fail a whole store.
 */
export async function priceOffers({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { provider: ProviderRecord; offers: ProviderOffer[] };
}): Promise<PricedOffer[]> {
  const { provider } = input;
  const rate = await getFxRate({ ctx, input: { currency: provider.currency } });
  const price = markupPricer(await listMarkupRules({ ctx }));
  return input.offers.flatMap((o) => {
    const exact = toExactIdr(o.cost, rate.idrPerUnit);
    const costIdr = toIdr(o.cost, rate.idrPerUnit);
    const selling = price(exact, {
      providerId: provider.id,
      countryId: o.countryId,
      platformId: o.platformId,
    });
    if (Number(o.cost) >= MAX_COST || costIdr > MAX_AMOUNT || selling > MAX_AMOUNT) return [];
    return [{ ...o, available: Math.min(o.available, MAX_STOCK), costIdr, price: selling }];
  });
}

/** Writes offers into the provider's slots; within the scope, slots not offered any more are withdrawn. */
export async function storeOffers({
  ctx,
  input,
}: {
  ctx: ProvidersContext;
  input: { provider: ProviderRecord; offers: ProviderOffer[]; scope?: SyncScope };
}): Promise<{ stored: number; withdrawn: number }> {
  const { provider } = input;
  const offers = dedupe(input.offers);
  const scope = input.scope ?? {};
  return withTransaction(ctx, async (tx) => {
    // A store is background-sized work (a whole catalog), also when an operator starts it from a request.
    await allowStatementsUpTo(tx, ctx.config.db.workerStatementTimeoutMs);
    const priced = await priceOffers({ ctx: tx, input: { provider, offers } });
    const columns = {
      country: priced.map((o) => o.countryId),
      platform: priced.map((o) => o.platformId),
      operator: priced.map((o) => o.operator),
      cost: priced.map((o) => o.cost),
      costIdr: priced.map((o) => o.costIdr),
      price: priced.map((o) => o.price),
      available: priced.map((o) => o.available),
    };

    await tx.db.query(
      `INSERT INTO catalog_products (country_id, platform_id)
       SELECT DISTINCT t.country_id, t.platform_id FROM unnest($1::int[], $2::int[]) AS t(country_id, platform_id)
       ON CONFLICT (country_id, platform_id) DO NOTHING`,
      [columns.country, columns.platform],
    );
    await tx.db.query(
      `INSERT INTO operators (country_id, code)
       SELECT DISTINCT t.country_id, t.code FROM unnest($1::int[], $2::text[]) AS t(country_id, code)
       WHERE t.code IS NOT NULL AND t.code <> 'any'
       ON CONFLICT (country_id, code) DO NOTHING`,
      [columns.country, columns.operator],
    );
    const stored = await tx.db.query(
      `INSERT INTO products (provider_id, catalog_product_id, operator_id, price, available, cost, cost_currency,
         cost_idr, active, synced_at, updated_at)
       SELECT $1, cp.id, o.id, t.price, t.available, t.cost, $2, t.cost_idr, true, now(), now()
       FROM unnest($3::int[], $4::int[], $5::text[], $6::numeric[], $7::bigint[], $8::bigint[], $9::int[])
         AS t(country_id, platform_id, operator, cost, cost_idr, price, available)
       JOIN catalog_products cp ON cp.country_id = t.country_id AND cp.platform_id = t.platform_id
       LEFT JOIN operators o ON o.country_id = t.country_id AND o.code = t.operator
       ON CONFLICT (provider_id, catalog_product_id, coalesce(operator_id, 0)) DO UPDATE SET
         price = excluded.price, available = excluded.available, cost = excluded.cost,
         cost_currency = excluded.cost_currency, cost_idr = excluded.cost_idr, active = true,
         synced_at = excluded.synced_at,
         updated_at = CASE WHEN (products.price, products.available) IS DISTINCT FROM (excluded.price, excluded.available)
                           THEN excluded.updated_at ELSE products.updated_at END`,
      [
        provider.id,
        provider.currency,
        columns.country,
        columns.platform,
        columns.operator,
        columns.cost,
        columns.costIdr,
        columns.price,
        columns.available,
      ],
    );
    // Rows written above carry this transaction's now(); anything older in scope is no longer offered.
    const withdrawn = await tx.db.query(
      `UPDATE products p SET available = 0, updated_at = now()
       FROM catalog_products cp
       WHERE p.provider_id = $1 AND cp.id = p.catalog_product_id AND p.synced_at < now() AND p.available > 0
         AND ($2::int IS NULL OR cp.country_id = $2) AND ($3::int IS NULL OR cp.platform_id = $3)`,
      [provider.id, scope.countryId ?? null, scope.platformId ?? null],
    );
    return { stored: stored.rowCount ?? 0, withdrawn: withdrawn.rowCount ?? 0 };
  });
}

/** A sync renews its lease while it runs; a waiting one gives up after SYNC_WAIT_MS. */
const SYNC_LEASE_TTL_MS = 60_000;
const SYNC_WAIT_MS = 120_000;

/**
 * Fetches a provider's whole offer list and stores it. Failures are recorded on the provider and rethrown.
 * Syncs of one provider run one at a time across all processes (a lease held from fetch to store, see
 * platform/lease.ts; a second sync waits for the first), so an older answer can never overwrite a newer
 * one — and no database connection is held while the provider answers.
 */
export async function syncProviderOffers({
  ctx,
  input,
}: {
  ctx: ProvidersContext;
  /** With an actor (an operator asked for it), the sync and its outcome are audited. */
  input: { providerId: number; actor?: AuditActor };
}): Promise<SyncSummary> {
  const sync = await withLease(
    ctx,
    `provider-sync:${input.providerId}`,
    { ttlMs: SYNC_LEASE_TTL_MS, waitMs: SYNC_WAIT_MS, log: ctx.log },
    () => syncUnderLock(ctx, input.providerId, input.actor),
  );
  if (!sync.ran) throw new DomainError('CONFLICT', `a sync of provider ${input.providerId} is still running`);
  return sync.value;
}

async function syncUnderLock(
  ctx: ProvidersContext,
  providerId: number,
  actor: AuditActor | undefined,
): Promise<SyncSummary> {
  const input = { providerId };
  const started = performance.now();
  const provider = await getProvider({ ctx, input: { ref: input.providerId } });
  if (!provider.enabled) throw new DomainError('CONFLICT', `provider ${provider.code} is disabled`);
  const log = ctx.log.child({ provider: provider.code });
  try {
    const adapter = await ctx.upstreams.adapterFor(ctx, provider);
    const list = await adapter.listOffers();
    if (list.unknownCodes.length > 0) {
      log.warn(
        { count: list.unknownCodes.length, sample: list.unknownCodes.slice(0, 20) },
        'provider codes not in the catalog were skipped',
      );
    }
    const { stored, withdrawn } = await storeOffers({ ctx, input: { provider, offers: list.offers } });
    const summary = {
      providerId: provider.id,
      offers: stored,
      unknownCodes: list.unknownCodes.length,
      withdrawn,
      durationMs: Math.round(performance.now() - started),
    };
    await withTransaction(ctx, async (tx) => {
      await tx.db.query('UPDATE providers SET last_sync_at = now(), last_sync_error = NULL WHERE id = $1', [
        provider.id,
      ]);
      if (actor) await auditSync(tx, actor, provider.id, { offers: stored, withdrawn, error: null });
    });
    await ctx.catalogCache.invalidate();
    log.info(summary, 'offers synced');
    return summary;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await withTransaction(ctx, async (tx) => {
      await tx.db.query('UPDATE providers SET last_sync_error = $2 WHERE id = $1', [
        provider.id,
        message.slice(0, 500),
      ]);
      if (actor) await auditSync(tx, actor, provider.id, { error: message.slice(0, 500) });
    });
    log.warn({ err: error }, 'offer sync failed');
    if (error instanceof ProviderError) {
      throw new DomainError('PROVIDER_ERROR', `provider ${provider.code}: ${error.message}`, {
        kind: error.kind,
      });
    }
    throw error;
  }
}

/** The offers are stored by then; the entry says who asked and what came of it. */
async function auditSync(
  tx: DbContext,
  actor: AuditActor,
  providerId: number,
  after: Record<string, unknown>,
) {
  await recordAudit({
    ctx: tx,
    input: { actor, action: 'provider.sync', target: { type: 'provider', id: providerId }, after },
  });
}
