/**
 * Live stock check: before an order is placed on a tier slot, ask its provider (through a short-TTL,
 * single-flight cache) whether the offer is really there, at what cost. The answer also refreshes the
 * slot (and its country × platform siblings) in place, so the catalog catches up with what was seen.
 */
import type { AppContext } from '../platform/context.ts';
import { DomainError } from '../platform/errors.ts';
import { getProvider } from './list-providers.ts';
import { storeOffers } from './sync-offers.ts';

export interface LiveStock {
  productId: number;
  available: number;
  /** Selling price (IDR) after the refresh. */
  price: number;
}

export async function checkLiveStock({
  ctx,
  input,
}: {
  ctx: AppContext;
  input: { productId: number };
}): Promise<LiveStock> {
  const slot = await ctx.db.query<{ providerId: number; countryId: number; platformId: number }>(
    `SELECT p.provider_id AS "providerId", cp.country_id AS "countryId", cp.platform_id AS "platformId"
     FROM products p JOIN catalog_products cp ON cp.id = p.catalog_product_id WHERE p.id = $1`,
    [input.productId],
  );
  const at = slot.rows[0];
  if (!at) throw new DomainError('NOT_FOUND', `no product ${input.productId}`);
  const provider = await getProvider({ ctx, input: { ref: at.providerId } });

  const key = `${provider.id}:${provider.updatedAt.getTime()}:${at.countryId}:${at.platformId}`;
  await ctx.upstreams.liveOffers.fetch(key, {
    context: async () => {
      const adapter = await ctx.upstreams.adapterFor(ctx, provider);
      const list = await adapter.listOffers({ countryId: at.countryId, platformId: at.platformId });
      const offers = list.offers.filter(
        (o) => o.countryId === at.countryId && o.platformId === at.platformId,
      );
      await storeOffers({
        ctx,
        input: { provider, offers, scope: { countryId: at.countryId, platformId: at.platformId } },
      });
      await ctx.catalogCache.invalidate();
      return list;
    },
  });
  const fresh = await ctx.db.query<LiveStock>(
    `SELECT id AS "productId", available, price FROM products WHERE id = $1`,
    [input.productId],
  );
  return fresh.rows[0]!;
}
