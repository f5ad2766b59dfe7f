/**
 * The pooled catalog (every listable tier slot with its names) held in memory, so catalog reads filter,
 * sort and page without a table scan per request. Exchange rates ride along, for the same reason. A sync
 * invalidates it; with Redis the invalidation reaches every node (pub/sub), and a short TTL bounds
 * staleness if a message is ever missed.
 *
 * A live stock check changes one slot, so it patches that slot in place (updateSlot) instead of dropping
 * the whole snapshot: a reload reads every slot (~10⁵ rows) and must never run once per order.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { Counter, type Registry } from 'prom-client';
import { allowStatementsUpTo, type DbContext, withTransaction } from '../platform/db.ts';
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
  /**
   * Names this snapshot's content: a new number for every load and every slot patched in, never reused
   * on this node. Anything rendered from the catalog can be kept under it (see catalogVersion).
   */
  version: number;
}

/** Versions increase across every snapshot of the process, so an old snapshot's number never returns. */
let lastVersion = 0;
const nextVersion = () => ++lastVersion;

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
const SLOT_CHANNEL = 'numpool:catalog-slot';
const MAX_AGE_MS = 60_000;

/** One slot as it is listable now, or null when it is not listable (sold out, inactive, disabled). */
interface SlotPatch {
  id: number;
  product: ListedProduct | null;
}

/** Index of the product with this id in a list ordered by id, or where it would go. */
function positionById(list: ListedProduct[], id: number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (list[mid]!.id < id) low = mid + 1;
    else high = mid;
  }
  return low;
}

function removeFrom(list: ListedProduct[] | undefined, product: ListedProduct): void {
  const at = list?.indexOf(product) ?? -1;
  if (at >= 0) list!.splice(at, 1);
}

function insertById<K>(groups: Map<K, ListedProduct[]>, key: K, product: ListedProduct): void {
  const group = groups.get(key);
  if (group) group.splice(positionById(group, product.id), 0, product);
  else groups.set(key, [product]);
}

/** The sorted-order keys (see list-products.ts) of every group a slot belongs to. */
function groupPrefixes(product: ListedProduct): string[] {
  return [
    'all:',
    `country:${product.countryId}:`,
    `platform:${product.platformId}:`,
    `pair:${product.countryId}:${product.platformId}:`,
  ];
}

/** Applies one slot's change to a snapshot, keeping every index and ordering consistent. */
function patchSnapshot(snapshot: CatalogSnapshot, patch: SlotPatch): void {
  const at = positionById(snapshot.products, patch.id);
  const current = snapshot.products[at]?.id === patch.id ? snapshot.products[at] : undefined;
  const touched = current ?? patch.product;
  if (!touched) return;
  snapshot.version = nextVersion();
  const prefixes = groupPrefixes(touched);
  const ofGroups = (key: string) => prefixes.some((prefix) => key.startsWith(prefix));
  if (current && patch.product) {
    // Same object in every index: changing it in place changes it everywhere. Only orderings by a changed
    // field go stale; they are rebuilt on next use.
    const reorder = (['price', 'available', 'name'] as const).filter((f) => current[f] !== patch.product![f]);
    Object.assign(current, patch.product);
    for (const key of [...snapshot.sorted.keys()]) {
      if (ofGroups(key) && reorder.some((field) => key.slice(key.lastIndexOf(':') + 1).startsWith(field)))
        snapshot.sorted.delete(key);
    }
  } else if (current) {
    // Removing an element keeps any ordering sorted, so the orderings are patched rather than rebuilt.
    snapshot.products.splice(at, 1);
    removeFrom(snapshot.byCountry.get(current.countryId), current);
    removeFrom(snapshot.byPlatform.get(current.platformId), current);
    removeFrom(snapshot.byPair.get(`${current.countryId}:${current.platformId}`), current);
    for (const [key, sorted] of snapshot.sorted) if (ofGroups(key)) removeFrom(sorted, current);
  } else if (patch.product) {
    const product = { ...patch.product };
    snapshot.products.splice(at, 0, product);
    insertById(snapshot.byCountry, product.countryId, product);
    insertById(snapshot.byPlatform, product.platformId, product);
    insertById(snapshot.byPair, `${product.countryId}:${product.platformId}`, product);
    for (const key of [...snapshot.sorted.keys()]) if (ofGroups(key)) snapshot.sorted.delete(key);
  }
}

export class CatalogCache {
  private snapshot: CatalogSnapshot | undefined;
  private loading: Promise<CatalogSnapshot> | undefined;
  private generation = 0;
  /** Slot changes seen while a load is running; applied to its result, which may predate them. */
  private patchesWhileLoading: SlotPatch[] = [];
  private readonly redis: Redis | undefined;
  private subscriber: Redis | undefined;
  /** Tells this node's own slot messages apart from other nodes'. */
  private readonly origin = randomUUID();
  private readonly loads: Counter;
  private readonly slotUpdates: Counter;

  constructor(options: { redis?: Redis | undefined; log?: Logger; metrics?: Registry } = {}) {
    this.redis = options.redis;
    const registers = options.metrics ? [options.metrics] : [];
    this.loads = new Counter({
      name: 'numpool_catalog_snapshot_loads_total',
      help: 'Full loads of the in-memory catalog snapshot',
      registers,
    });
    this.slotUpdates = new Counter({
      name: 'numpool_catalog_slot_updates_total',
      help: 'Single catalog slots patched in place in the snapshot',
      registers,
    });
    if (this.redis) {
      // Subscribing waits for Redis however long it is away (see createRedisBus).
      this.subscriber = this.redis.duplicate({ maxRetriesPerRequest: null });
      this.subscriber.on('error', (error) =>
        options.log?.warn({ err: error }, 'catalog cache subscriber error'),
      );
      this.subscriber.on('message', (channel: string, message: string) => {
        if (channel === CHANNEL) this.dropLocal();
        else if (channel === SLOT_CHANNEL) this.onSlotMessage(message);
      });
      void this.subscriber.subscribe(CHANNEL, SLOT_CHANNEL).catch(() => undefined);
      // Messages sent while the subscription was down are lost: once it is back (ioredis resubscribes
      // before 'ready'), the snapshot is read again rather than trusted until it ages out.
      let lost = false;
      this.subscriber.on('close', () => {
        lost = true;
      });
      this.subscriber.on('ready', () => {
        if (!lost) return;
        lost = false;
        this.dropLocal();
      });
    }
  }

  private dropLocal(): void {
    this.generation++;
    this.snapshot = undefined;
    this.loading = undefined;
    this.patchesWhileLoading = [];
  }

  private onSlotMessage(message: string): void {
    try {
      const { origin, patch } = JSON.parse(message) as { origin: string; patch: SlotPatch };
      if (origin !== this.origin) this.applyLocal(patch);
    } catch {
      // A message is a hint: a malformed one is dropped, and the TTL reload catches up.
    }
  }

  private applyLocal(patch: SlotPatch): void {
    this.slotUpdates.inc();
    if (this.loading) this.patchesWhileLoading.push(patch);
    if (this.snapshot) patchSnapshot(this.snapshot, patch);
  }

  /**
   * One slot changed in the store (already committed): re-reads that slot alone and patches it into this
   * node's snapshot and, through Redis, every other node's. Never reloads the catalog.
   */
  async updateSlot(ctx: DbContext, productId: number): Promise<void> {
    const found = await ctx.db.query<ListedProduct>({
      name: 'catalog.slot',
      text: `${LISTED_PRODUCTS} AND p.id = $1`,
      values: [productId],
    });
    const patch: SlotPatch = { id: productId, product: found.rows[0] ?? null };
    this.applyLocal(patch);
    await this.redis
      ?.publish(SLOT_CHANNEL, JSON.stringify({ origin: this.origin, patch }))
      .catch(() => undefined);
  }

  /** After a sync: this node reloads on next read, other nodes are told to. */
  async invalidate(): Promise<void> {
    this.dropLocal();
    await this.redis?.publish(CHANNEL, String(Date.now())).catch(() => undefined);
  }

  async get(ctx: DbContext): Promise<CatalogSnapshot> {
    const current = this.snapshot;
    if (current && Date.now() - current.loadedAt < MAX_AGE_MS) return current;
    // A load that outlives this caller reads on the pool, never on a transaction the caller may end.
    const loading = this.load(current ? { pool: ctx.pool, db: ctx.pool, inTransaction: false } : ctx);
    // An aged snapshot is served while its successor loads: the age bound is a safety net for a missed
    // message, and readers must not all stall on it (a full load takes seconds; measured under a flood
    // of catalog reads, a whole 4 s window answered nothing while it ran). After an invalidation there is
    // no snapshot to serve, so readers wait for the load.
    if (current) {
      loading.catch(() => undefined);
      return current;
    }
    return loading;
  }

  private load(ctx: DbContext): Promise<CatalogSnapshot> {
    if (!this.loading) {
      const generation = this.generation;
      this.patchesWhileLoading = [];
      this.loads.inc();
      const loading: Promise<CatalogSnapshot> = loadSnapshot(ctx).then(
        (loaded) => {
          // A sync that finished while loading makes this snapshot stale: serve it once, keep nothing.
          if (generation === this.generation) {
            for (const patch of this.patchesWhileLoading) patchSnapshot(loaded, patch);
            this.patchesWhileLoading = [];
            this.snapshot = loaded;
          }
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

/** Every listable slot; the snapshot takes them all, updateSlot one. */
const LISTED_PRODUCTS = `SELECT p.id, p.catalog_product_id AS "catalogProductId", cp.country_id AS "countryId",
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
  WHERE p.active AND p.available > 0`;

/**
 * The driver gives every row its own copy of each text; names, provider and operator codes repeat across
 * ~10⁵ slots, so the snapshot keeps one copy of each. Measured on a full sandbox pool (110k slots): the
 * API process's live heap after the load 87–88 → 82 MB, the load itself no slower (~3 s).
 */
function internStrings(seen: Map<string, string>) {
  const intern = <T extends string | null>(text: T): T => {
    if (text === null) return text;
    const known = seen.get(text);
    if (known !== undefined) return known as T;
    seen.set(text, text);
    return text;
  };
  return (p: ListedProduct): ListedProduct => {
    p.providerCode = intern(p.providerCode);
    p.operatorCode = intern(p.operatorCode);
    p.operatorName = intern(p.operatorName);
    p.operatorLocalName = intern(p.operatorLocalName);
    p.name = intern(p.name);
    return p;
  };
}

/** Reading every slot is bulk work, also when a request triggers it. */
const SNAPSHOT_STATEMENT_TIMEOUT_MS = 60_000;

async function loadSnapshot(outer: DbContext): Promise<CatalogSnapshot> {
  const [fx, platforms, result] = await withTransaction(outer, async (ctx) => {
    await allowStatementsUpTo(ctx, SNAPSHOT_STATEMENT_TIMEOUT_MS);
    return [
      await listFxRates({ ctx }),
      await ctx.db.query<{ id: number; handler_code: string }>('SELECT id, handler_code FROM platforms'),
      await ctx.db.query<ListedProduct>({
        name: 'catalog.snapshot',
        text: `${LISTED_PRODUCTS} ORDER BY p.id`,
      }),
    ] as const;
  });
  // Reading in batches of 10k slots (one view, REPEATABLE READ) was measured too: RSS 264–267 instead of
  // 273 MB, but the load took twice as long (6–8 s instead of 3 s), so the catalog is read in one statement.
  const products = result.rows.map(internStrings(new Map()));
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
    version: nextVersion(),
  };
}
