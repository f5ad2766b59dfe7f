/**
 * Routing: the ordered offers an order for a catalog product (country × platform) should try.
 *
 * Only in-stock slots of enabled providers whose circuit is not open, inside the price bounds and, when
 * asked, of one operator. Policies:
 * - cheapest (default): price, then success rate, then provider priority;
 * - best_success: success rate (smoothed, so a provider with two lucky orders does not beat one with a
 *   long good record), then median time-to-code, then price.
 * prefer_provider is soft: that provider's offers go first, the rest follow as failover.
 */
import { DomainError } from '../platform/errors.ts';
import { type DeliveryStats, deliveryStatsSql, STATS_WINDOW, toDeliveryStats } from './delivery-stats.ts';
import type { ProvidersContext } from './providers-context.ts';

export type RoutingPolicy = 'cheapest' | 'best_success';

export interface CandidateQuery {
  catalogProductId: number;
  /** Only this tier slot (a direct order by product_id). */
  productId?: number | undefined;
  policy?: RoutingPolicy | undefined;
  preferProvider?: string | undefined;
  /** IDR bounds, inclusive. */
  maxPrice?: number | undefined;
  minPrice?: number | undefined;
  operatorId?: number | undefined;
}

export interface Candidate {
  productId: number;
  catalogProductId: number;
  providerId: number;
  providerCode: string;
  /** The provider's settings version (updated_at) when routed: reuses cached settings while unchanged. */
  providerVersion: Date;
  countryId: number;
  platformId: number;
  operatorId: number | null;
  operatorCode: string | null;
  price: number;
  /** The provider's cost as synced (decimal text, provider currency): the most we let it charge. */
  cost: string;
  costIdr: number;
  available: number;
  priority: number;
  stats: DeliveryStats;
}

export async function findCandidates({
  ctx,
  input,
}: {
  ctx: ProvidersContext;
  input: CandidateQuery;
}): Promise<Candidate[]> {
  const policy = input.policy ?? 'cheapest';
  if (policy !== 'cheapest' && policy !== 'best_success') {
    throw new DomainError('VALIDATION_ERROR', 'policy must be cheapest or best_success');
  }
  // The offers and their providers' delivery stats in one statement (was two round trips).
  const rows = await ctx.db.query<
    Omit<Candidate, 'stats'> & { samples: number | null; delivered: number | null; median: number | null }
  >({
    name: 'providers.find-candidates',
    text: `WITH c AS (
           SELECT p.id AS "productId", p.catalog_product_id AS "catalogProductId", p.provider_id AS "providerId",
             v.code AS "providerCode", v.updated_at AS "providerVersion",
             cp.country_id AS "countryId", cp.platform_id AS "platformId", p.operator_id AS "operatorId",
             o.code AS "operatorCode", p.price, p.cost::text AS cost, p.cost_idr AS "costIdr", p.available, v.priority
           FROM products p
           JOIN catalog_products cp ON cp.id = p.catalog_product_id AND cp.active
           JOIN providers v ON v.id = p.provider_id AND v.enabled
           LEFT JOIN operators o ON o.id = p.operator_id
           WHERE p.catalog_product_id = $1 AND p.active AND p.available > 0
             AND ($2::bigint IS NULL OR p.price <= $2) AND ($3::bigint IS NULL OR p.price >= $3)
             AND ($4::int IS NULL OR p.operator_id = $4) AND ($5::int IS NULL OR p.id = $5)),
         s AS (${deliveryStatsSql(
           `(SELECT DISTINCT "providerId" AS provider_id, "countryId" AS country_id, "platformId" AS platform_id FROM c)`,
           '$6',
           '$7',
         )})
         SELECT c.*, s.samples, s.delivered, s.median FROM c LEFT JOIN s ON s.provider_id = c."providerId"`,
    values: [
      input.catalogProductId,
      input.maxPrice ?? null,
      input.minPrice ?? null,
      input.operatorId ?? null,
      input.productId ?? null,
      STATS_WINDOW.days,
      STATS_WINDOW.orders,
    ],
  });
  const routable = rows.rows.filter((row) => ctx.upstreams.health.isRoutable(row.providerId));
  if (routable.length === 0) return [];

  const candidates: Candidate[] = routable.map(({ samples, delivered, median, ...row }) => ({
    ...row,
    stats: toDeliveryStats({ samples, delivered, median }),
  }));

  const prefer = input.preferProvider?.toLowerCase();
  const preferred = (c: Candidate) => (prefer && c.providerCode === prefer ? 0 : 1);
  const ttc = (c: Candidate) => c.stats.medianTimeToCodeMs ?? Number.MAX_SAFE_INTEGER;
  candidates.sort(
    (a, b) =>
      preferred(a) - preferred(b) ||
      (policy === 'cheapest'
        ? a.price - b.price || b.stats.successRate - a.stats.successRate || a.priority - b.priority
        : b.stats.successRate - a.stats.successRate || ttc(a) - ttc(b) || a.price - b.price) ||
      a.productId - b.productId,
  );
  return candidates;
}
