/**
 * What routing knows about real delivery: per provider × country × platform, over a rolling window of the
 * most recent order outcomes, the share that received an SMS and the median time to the first code.
 *
 * The rate is smoothed towards a prior (70 % over 5 virtual orders): a provider with no history is neither
 * shunned nor preferred, and a handful of outcomes moves it only as far as they deserve.
 */
import type { DbContext } from '../platform/db.ts';
import { withTransaction } from '../platform/db.ts';

export const STATS_WINDOW = { orders: 100, days: 7 } as const;
const PRIOR_RATE = 0.7;
const PRIOR_WEIGHT = 5;

export interface DeliveryStats {
  /** Smoothed share of orders that received an SMS, 0..1. */
  successRate: number;
  /** Orders in the window. */
  samples: number;
  medianTimeToCodeMs: number | null;
}

export function smoothedRate(delivered: number, samples: number): number {
  return (delivered + PRIOR_RATE * PRIOR_WEIGHT) / (samples + PRIOR_WEIGHT);
}

export async function loadDeliveryStats({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { countryId: number; platformId: number; providerIds: number[] };
}): Promise<Map<number, DeliveryStats>> {
  const result = await ctx.db.query<{
    providerId: number;
    samples: number;
    delivered: number;
    median: number | null;
  }>({
    name: 'providers.delivery-stats',
    text: `SELECT w.provider_id AS "providerId", count(*)::int AS samples,
             count(*) FILTER (WHERE w.delivered)::int AS delivered,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY w.time_to_code_ms)
               FILTER (WHERE w.delivered) AS median
           FROM unnest($3::int[]) AS pid(id)
           CROSS JOIN LATERAL (
             SELECT o.provider_id, o.delivered, o.time_to_code_ms FROM provider_outcomes o
             WHERE o.provider_id = pid.id AND o.country_id = $1 AND o.platform_id = $2
               AND o.created_at > now() - make_interval(days => $4)
             ORDER BY o.created_at DESC LIMIT $5) w
           GROUP BY w.provider_id`,
    values: [input.countryId, input.platformId, input.providerIds, STATS_WINDOW.days, STATS_WINDOW.orders],
  });
  const stats = new Map<number, DeliveryStats>();
  for (const id of input.providerIds)
    stats.set(id, { successRate: smoothedRate(0, 0), samples: 0, medianTimeToCodeMs: null });
  for (const row of result.rows) {
    stats.set(row.providerId, {
      successRate: smoothedRate(row.delivered, row.samples),
      samples: row.samples,
      medianTimeToCodeMs: row.median === null ? null : Math.round(row.median),
    });
  }
  return stats;
}

/**
 * The same window as loadDeliveryStats, as SQL for a query that reads the stats beside its own rows
 * (routing: one round trip instead of two). `keys` is a relation with provider_id, country_id and
 * platform_id columns; the result has provider_id, samples, delivered and median.
 */
export function deliveryStatsSql(keys: string, daysParam: string, ordersParam: string): string {
  return `SELECT k.provider_id, count(*)::int AS samples, count(*) FILTER (WHERE w.delivered)::int AS delivered,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY w.time_to_code_ms) FILTER (WHERE w.delivered) AS median
    FROM ${keys} k
    CROSS JOIN LATERAL (
      SELECT o.delivered, o.time_to_code_ms FROM provider_outcomes o
      WHERE o.provider_id = k.provider_id AND o.country_id = k.country_id AND o.platform_id = k.platform_id
        AND o.created_at > now() - make_interval(days => ${daysParam})
      ORDER BY o.created_at DESC LIMIT ${ordersParam}) w
    GROUP BY k.provider_id`;
}

/** Stats from the columns deliveryStatsSql gives (all null: no history, the prior alone). */
export function toDeliveryStats(row: {
  samples: number | null;
  delivered: number | null;
  median: number | null;
}): DeliveryStats {
  const samples = row.samples ?? 0;
  return {
    successRate: smoothedRate(row.delivered ?? 0, samples),
    samples,
    medianTimeToCodeMs: row.median === null ? null : Math.round(row.median),
  };
}

export interface OutcomeInput {
  providerId: number;
  countryId: number;
  platformId: number;
  delivered: boolean;
  timeToCodeMs?: number | null;
}

/** Records how an order at a provider ended: called by the order lifecycle when an order settles. */
export async function recordDeliveryOutcome({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: OutcomeInput;
}): Promise<void> {
  await withTransaction(ctx, async (tx) => {
    await tx.db.query(
      `INSERT INTO provider_outcomes (provider_id, country_id, platform_id, delivered, time_to_code_ms)
       VALUES ($1, $2, $3, $4, $5)`,
      [
        input.providerId,
        input.countryId,
        input.platformId,
        input.delivered,
        input.delivered ? (input.timeToCodeMs ?? null) : null,
      ],
    );
  });
}

export interface DeliveryStatsKey {
  providerId: number;
  countryId: number;
  platformId: number;
}

/**
 * loadDeliveryStats for many provider × country × platform keys in one round trip (the public price
 * explorer shows a page of offers). Keys without history get the prior, with samples 0.
 */
export async function loadDeliveryStatsFor({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { keys: DeliveryStatsKey[] };
}): Promise<Map<string, DeliveryStats>> {
  const stats = new Map<string, DeliveryStats>();
  if (input.keys.length === 0) return stats;
  const result = await ctx.db.query<{
    providerId: number;
    countryId: number;
    platformId: number;
    samples: number;
    delivered: number;
    median: number | null;
  }>({
    name: 'providers.delivery-stats-for',
    text: `SELECT k.provider_id AS "providerId", k.country_id AS "countryId", k.platform_id AS "platformId",
             count(*)::int AS samples, count(*) FILTER (WHERE w.delivered)::int AS delivered,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY w.time_to_code_ms) FILTER (WHERE w.delivered) AS median
           FROM unnest($1::int[], $2::int[], $3::int[]) AS k(provider_id, country_id, platform_id)
           CROSS JOIN LATERAL (
             SELECT o.delivered, o.time_to_code_ms FROM provider_outcomes o
             WHERE o.provider_id = k.provider_id AND o.country_id = k.country_id
               AND o.platform_id = k.platform_id AND o.created_at > now() - make_interval(days => $4)
             ORDER BY o.created_at DESC LIMIT $5) w
           GROUP BY k.provider_id, k.country_id, k.platform_id`,
    values: [
      input.keys.map((k) => k.providerId),
      input.keys.map((k) => k.countryId),
      input.keys.map((k) => k.platformId),
      STATS_WINDOW.days,
      STATS_WINDOW.orders,
    ],
  });
  for (const key of input.keys)
    stats.set(deliveryStatsKey(key), toDeliveryStats({ samples: 0, delivered: 0, median: null }));
  for (const row of result.rows) stats.set(deliveryStatsKey(row), toDeliveryStats(row));
  return stats;
}

export const deliveryStatsKey = (key: DeliveryStatsKey) =>
  `${key.providerId}:${key.countryId}:${key.platformId}`;
