/**
 * Live stock check: before an order is placed on a tier slot, ask its provider (through a short-TTL,
 * single-flight cache) whether the offer is really there, at what cost.
 *
 * It is a read on the money path, so it writes as little as it can: the answer updates the one slot that
 * was checked (price, stock and cost, in the store and, patched in place, in every node's catalog
 * snapshot) and only when it differs. Other slots wait for the next sync; the catalog is never reloaded.
 */
import { DomainError } from '../platform/errors.ts';
import { getProvider } from './list-providers.ts';
import type { OfferList, ProviderOffer } from './port.ts';
import type { ProviderRecord } from './provider.ts';
import type { ProvidersContext } from './providers-context.ts';
import { type PricedOffer, priceOffers } from './sync-offers.ts';

export interface LiveStock {
  productId: number;
  available: number;
  /** Selling price (IDR) after the refresh. */
  price: number;
}

export interface SlotRow {
  providerId: number;
  countryId: number;
  platformId: number;
  operatorCode: string | null;
}

/** The provider's offers for exactly this slot ("any" is the operator-less slot). */
function offersFor(slot: SlotRow, offers: ProviderOffer[]): ProviderOffer[] {
  const operator = (o: ProviderOffer) => (o.operator === 'any' ? null : o.operator);
  return offers.filter(
    (o) =>
      o.countryId === slot.countryId && o.platformId === slot.platformId && operator(o) === slot.operatorCode,
  );
}

/**
 * Asks the slot's provider (pass it when the caller already resolved it, so it is loaded once per attempt)
 * and refreshes that slot from the answer.
 */
export async function checkLiveStock({
  ctx,
  input,
}: {
  ctx: ProvidersContext;
  input: {
    productId: number;
    provider?: ProviderRecord | undefined;
    /** What the slot is, when the caller has just read it (routing): saves reading it again. */
    slot?: SlotRow | undefined;
  };
}): Promise<LiveStock> {
  const slot = input.slot ?? (await loadSlot(ctx, input.productId));
  const provider = input.provider ?? (await getProvider({ ctx, input: { ref: slot.providerId } }));
  if (provider.id !== slot.providerId)
    throw new DomainError('CONFLICT', `product ${input.productId} is not offered by ${provider.code}`);

  // Concurrent asks for one provider × country × platform share one upstream call, and each answers for
  // its own slot from that list. Only the caller that fetched writes, so an answer served from the cache
  // never overwrites a newer sync.
  let fetchedHere = false;
  const key = `${provider.id}:${provider.updatedAt.getTime()}:${slot.countryId}:${slot.platformId}`;
  // Priced on every ask, not once per fetch, so a markup or rate change applies to the very next order.
  // Tried: pricing once per fetch saves two queries per create (rates, markup rules) but answers with the
  // old markup for the cache's TTL, refusing orders the catalog already offers at the new price.
  const list = await ctx.upstreams.liveOffers.fetch(key, {
    context: async (): Promise<OfferList> => {
      fetchedHere = true;
      const adapter = await ctx.upstreams.adapterFor(ctx, provider);
      return adapter.listOffers({ countryId: slot.countryId, platformId: slot.platformId });
    },
  });
  const priced = await priceOffers({ ctx, input: { provider, offers: offersFor(slot, list?.offers ?? []) } });
  const best = priced.sort((a, b) => a.costIdr - b.costIdr)[0];
  if (fetchedHere) await refreshSlot(ctx, input.productId, best);
  if (best) return { productId: input.productId, available: best.available, price: best.price };
  return { productId: input.productId, available: 0, price: 0 };
}

async function loadSlot(ctx: ProvidersContext, productId: number): Promise<SlotRow> {
  const found = await ctx.db.query<SlotRow>({
    name: 'providers.live-stock-slot',
    text: `SELECT p.provider_id AS "providerId", cp.country_id AS "countryId", cp.platform_id AS "platformId",
             o.code AS "operatorCode"
           FROM products p JOIN catalog_products cp ON cp.id = p.catalog_product_id
           LEFT JOIN operators o ON o.id = p.operator_id
           WHERE p.id = $1`,
    values: [productId],
  });
  const slot = found.rows[0];
  if (!slot) throw new DomainError('NOT_FOUND', `no product ${productId}`);
  return slot;
}

/** Writes the live answer into the slot (no offer: out of stock); patches the snapshot when it changed. */
async function refreshSlot(
  ctx: ProvidersContext,
  productId: number,
  offer: PricedOffer | undefined,
): Promise<void> {
  const changed = offer
    ? await ctx.db.query(
        `UPDATE products SET price = $2, available = $3, cost = $4, cost_idr = $5, updated_at = now()
         WHERE id = $1 AND (price, available, cost, cost_idr) IS DISTINCT FROM ($2::bigint, $3::int, $4::numeric, $5::bigint)`,
        [productId, offer.price, offer.available, offer.cost, offer.costIdr],
      )
    : await ctx.db.query(
        'UPDATE products SET available = 0, updated_at = now() WHERE id = $1 AND available <> 0',
        [productId],
      );
  if ((changed.rowCount ?? 0) > 0) await ctx.catalogCache.updateSlot(ctx, productId);
}
