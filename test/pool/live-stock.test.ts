/**
 * The live stock check on the create path is a read: it refreshes the one slot it checked, in the store
 * and in the in-memory catalog, and never reloads the catalog snapshot.
 */
import { describe, expect, it } from 'vitest';
import { CatalogCache } from '../../src/catalog/catalog-cache.ts';
import { listProducts, type ProductQuery } from '../../src/catalog/list-products.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createRedis } from '../../src/platform/redis.ts';
import { findCandidates } from '../../src/providers/find-candidates.ts';
import { getProvider } from '../../src/providers/list-providers.ts';
import { customer, INDONESIA, orderWorld, WHATSAPP } from '../orders/order-fixture.ts';
import { waitUntil } from '../support/wait.ts';

const world = await orderWorld();
const { ctx } = world;
const me = await customer(world, 100_000_000);

async function metric(name: string): Promise<number> {
  return (await ctx.metrics.getSingleMetric(name)!.get()).values[0]?.value ?? 0;
}

async function listed(productId: number) {
  const response = await me.call(
    'GET',
    `/v2/catalog/products?country_id=${INDONESIA}&platform_id=${WHATSAPP}`,
  );
  const found = response.json().data.find((p: { id: number }) => p.id === productId);
  return found && { price: found.price.canonical_amount, available: found.available };
}

describe('live stock on the create path', () => {
  it('refreshes the checked slot in place through N routed creates, with zero catalog reloads', async () => {
    const [first] = await findCandidates({ ctx, input: { catalogProductId: world.catalogProductId } });
    const slot = first!;
    // The store lags behind the provider: the slot claims stock it does not have, and a stale price
    // (one below the live one, so the first check refuses it as "more expensive" and routes on).
    await ctx.db.query('UPDATE products SET available = 7777, price = price - 1 WHERE id = $1', [
      slot.productId,
    ]);
    await ctx.catalogCache.invalidate();
    expect(await listed(slot.productId)).toEqual({ available: 7777, price: slot.price - 1 });
    const loadsBefore = await metric('numpool_catalog_snapshot_loads_total');

    const provider = await getProvider({ ctx, input: { ref: slot.providerId } });
    const adapter = await ctx.upstreams.adapterFor(ctx, provider);
    for (let i = 0; i < 5; i++) {
      ctx.upstreams.liveOffers.clear(); // each create asks the provider, as it would after the TTL
      const upstream = (
        await adapter.listOffers({ countryId: slot.countryId, platformId: slot.platformId })
      ).offers.find((o) => (o.operator === 'any' ? null : o.operator) === slot.operatorCode)!;

      const created = await me.call('POST', '/v1/orders/create', {
        catalog_product_id: world.catalogProductId,
      });
      expect(created.statusCode).toBe(200);
      expect(created.json().data.orders[0].status).toBe('ACTIVE');

      // The slot is always the first candidate, so every create checked it before buying anything.
      const row = await ctx.db.query('SELECT price, available FROM products WHERE id = $1', [slot.productId]);
      expect(row.rows[0]).toEqual({ price: slot.price, available: upstream.available });
      expect(await listed(slot.productId)).toMatchObject({
        price: slot.price,
        available: upstream.available,
      });
    }
    expect(await metric('numpool_catalog_snapshot_loads_total')).toBe(loadsBefore);
    expect(await metric('numpool_catalog_slot_updates_total')).toBeGreaterThan(0);
  });
});

describe('patching one slot into the catalog snapshot', () => {
  const queries: ProductQuery[] = [
    { countryId: INDONESIA, platformId: WHATSAPP },
    { countryId: INDONESIA },
    {},
  ];
  // One ordering per field a patch can move a slot by (each group × sort is cached separately).
  const sorts = ['price_asc', 'available_desc', 'name_asc'] as const;
  const view = (page: Awaited<ReturnType<typeof listProducts>>) =>
    page.items.map((p) => `${p.id}:${p.price}:${p.available}`);

  /** Every listing and ordering of the patched snapshot equals the one of a fresh full load. */
  async function expectSameAsReload(): Promise<void> {
    const reloaded = { ...ctx, catalogCache: new CatalogCache() };
    for (const query of queries) {
      for (const sort of sorts) {
        const input = { ...query, sort, limit: 10_000 };
        expect(view(await listProducts({ ctx, input }))).toEqual(
          view(await listProducts({ ctx: reloaded, input })),
        );
      }
    }
  }

  it('keeps listings and orderings exact as a slot sells out, changes price and comes back', async () => {
    for (const query of queries)
      for (const sort of sorts) await listProducts({ ctx, input: { ...query, sort, limit: 10_000 } });
    const loadsBefore = await metric('numpool_catalog_snapshot_loads_total');
    const pair = await ctx.db.query<{ id: number }>(
      `SELECT p.id FROM products p WHERE p.catalog_product_id = $1 AND p.available > 0 ORDER BY p.id LIMIT 2`,
      [world.catalogProductId],
    );
    const [a, b] = pair.rows.map((r) => r.id);
    const change = async (id: number, sql: string) => {
      await ctx.db.query(`UPDATE products SET ${sql} WHERE id = $1`, [id]);
      await ctx.catalogCache.updateSlot(ctx, id!);
    };

    await change(a!, 'available = 0');
    expect(await listed(a!)).toBeUndefined();
    await expectSameAsReload();
    await change(b!, 'price = 1, available = 3');
    expect(await listed(b!)).toEqual({ price: 1, available: 3 });
    await expectSameAsReload();
    await change(a!, 'price = 999999, available = 5');
    expect(await listed(a!)).toEqual({ price: 999_999, available: 5 });
    await expectSameAsReload();
    expect(await metric('numpool_catalog_snapshot_loads_total')).toBe(loadsBefore);
  });

  it('reaches the snapshot of another node through Redis, without a reload there', async () => {
    const log = createLogger('silent');
    const redisA = createRedis(process.env.NUMPOOL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', log);
    const redisB = redisA.duplicate();
    const nodeA = new CatalogCache({ redis: redisA });
    const nodeB = new CatalogCache({ redis: redisB });
    try {
      const row = await ctx.db.query<{ id: number }>(
        'SELECT id FROM products WHERE catalog_product_id = $1 AND available > 0 ORDER BY id DESC LIMIT 1',
        [world.catalogProductId],
      );
      const id = row.rows[0]!.id;
      await ctx.db.query('UPDATE products SET available = 4242 WHERE id = $1', [id]);
      const seenByB = async () =>
        (await nodeB.get(ctx)).byPair.get(`${INDONESIA}:${WHATSAPP}`)!.find((p) => p.id === id)!.available;
      await nodeA.get(ctx);
      expect(await seenByB()).toBe(4242);

      await ctx.db.query('UPDATE products SET available = 4343 WHERE id = $1', [id]);
      const loadedB = await nodeB.get(ctx);
      // Published until B hears it: its subscription may still be connecting.
      await waitUntil(async () => {
        await nodeA.updateSlot(ctx, id);
        return (await seenByB()) === 4343 ? true : undefined;
      });
      expect(await nodeB.get(ctx)).toBe(loadedB);
    } finally {
      await nodeA.close();
      await nodeB.close();
      redisA.disconnect();
      redisB.disconnect();
    }
  });
});
