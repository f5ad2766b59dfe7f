/**
 * The pooled catalog (every listable tier slot with its names) held in memory, so catalog reads filter,
 * sort and page without a table scan per request. Exchange rates ride along, for the same reason. A sync invalidates it; with Redis the invalidation
 * reaches every node (pub/sub), and a short TTL bounds staleness if a message is ever missed.
 */
import type { Redis } from 'ioredis';
import type { DbContext } from '../platform/db.ts';
import type { Logger } from '../platform/logger.ts';
import { type FxRate, listFxRates } from '../pricing/fx-rates.ts';

export interface ListedProduct {
  id: number;
  catalogProductId: number;
  countryId: number;
  platformId: number;
  providerId: number;
  providerCode: string;
  operatorId: number | null;
  operatorCode: string | null;
  operatorName: string | null;
  operatorLocalName: string | null;
  price: number;
  available: number;
  name: string;
}

export interface CatalogSnapshot {
  /** Ordered by id. */
  products: ListedProduct[];
  byCountry: Map<number, ListedProduct[]>;
  byPlatform: Map<number, ListedProduct[]>;
  /** Keyed by `${countryId}:${platformId}`. */
  byPair: Map<string, ListedProduct[]>;
  /** Orderings of the whole catalog and of groups, built on first use. */
  sorted: Map<string, ListedProduct[]>;
  /** Exchange rates as of this snapshot; a rate change invalidates the snapshot. */
  fx: FxRate[];
  /** Handler-protocol service codes of every platform, both ways. */
  handlerCodeByPlatform: Map<number, string>;
  platformByHandlerCode: Map<string, number>;
  loadedAt: number;
}

function groupBy<K>(products: ListedProduct[], key: (p: ListedProduct) => K): Map<K, ListedProduct[]> {
  const groups = new Map<K, ListedProduct[]>();
  for (const product of products) {
    const k = key(product);
    const group = groups.get(k);
    if (group) group.push(product);
    else groups.set(k, [product]);
  }
  return groups;
}

const CHANNEL = 'numpool:catalog-invalidated';
const MAX_AGE_MS = 60_000;

export class CatalogCache {
  private snapshot: CatalogSnapshot | undefined;
  private loading: Promise<CatalogSnapshot> | undefined;
  private generation = 0;
  private readonly redis: Redis | undefined;
  private subscriber: Redis | undefined;

  constructor(options: { redis?: Redis | undefined; log?: Logger } = {}) {
    this.redis = options.redis;
    if (this.redis) {
      this.subscriber = this.redis.duplicate();
      this.subscriber.on('error', (error) =>
        options.log?.warn({ err: error }, 'catalog cache subscriber error'),
      );
      this.subscriber.on('message', () => this.dropLocal());
      void this.subscriber.subscribe(CHANNEL).catch(() => undefined);
    }
  }

  private dropLocal(): void {
    this.generation++;
    this.snapshot = undefined;
    this.loading = undefined;
  }

  /** After a sync: this node reloads on next read, other nodes are told to. */
  async invalidate(): Promise<void> {
    this.dropLocal();
    await this.redis?.publish(CHANNEL, String(Date.now())).catch(() => undefined);
  }

  async get(ctx: DbContext): Promise<CatalogSnapshot> {
    if (this.snapshot && Date.now() - this.snapshot.loadedAt < MAX_AGE_MS) return this.snapshot;
    if (!this.loading) {
      const generation = this.generation;
      const loading: Promise<CatalogSnapshot> = loadSnapshot(ctx).then(
        (loaded) => {
          // A sync that finished while loading makes this snapshot stale: serve it once, keep nothing.
          if (generation === this.generation) this.snapshot = loaded;
          if (this.loading === loading) this.loading = undefined;
          return loaded;
        },
        (error: unknown) => {
          if (this.loading === loading) this.loading = undefined;
          throw error;
        },
      );
      this.loading = loading;
    }
    return this.loading;
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect();
  }
}

async function loadSnapshot(ctx: DbContext): Promise<CatalogSnapshot> {
  const [fx, platforms, result] = await Promise.all([
    listFxRates({ ctx }),
    ctx.db.query<{ id: number; handler_code: string }>('SELECT id, handler_code FROM platforms'),
    ctx.db.query<ListedProduct>({
      name: 'catalog.snapshot',
      text: `SELECT p.id, p.catalog_product_id AS "catalogProductId", cp.country_id AS "countryId",
             cp.platform_id AS "platformId", p.provider_id AS "providerId", v.code AS "providerCode",
             p.operator_id AS "operatorId", o.code AS "operatorCode", coalesce(o.name, o.code) AS "operatorName",
             o.local_name AS "operatorLocalName",
             p.price, p.available, pl.name || ' - ' || c.name AS name
           FROM products p
           JOIN providers v ON v.id = p.provider_id AND v.enabled
           JOIN catalog_products cp ON cp.id = p.catalog_product_id AND cp.active
           JOIN countries c ON c.id = cp.country_id AND c.active
           JOIN platforms pl ON pl.id = cp.platform_id AND pl.active
           LEFT JOIN operators o ON o.id = p.operator_id
           WHERE p.active AND p.available > 0
           ORDER BY p.id`,
    }),
  ]);
  const products = result.rows;
  return {
    products,
    byCountry: groupBy(products, (p) => p.countryId),
    byPlatform: groupBy(products, (p) => p.platformId),
    byPair: groupBy(products, (p) => `${p.countryId}:${p.platformId}`),
    sorted: new Map(),
    fx,
    handlerCodeByPlatform: new Map(platforms.rows.map((p) => [p.id, p.handler_code])),
    platformByHandlerCode: new Map(platforms.rows.map((p) => [p.handler_code, p.id])),
    loadedAt: Date.now(),
  };
}
