/**
 * The pool end to end: the simulator's three personas registered as providers, synced over real HTTP,
 * then read, routed and failed over the way customers and operators see it.
 */
import { describe, expect, it } from 'vitest';
import { checkLiveStock } from '../../src/providers/check-live-stock.ts';
import { findCandidates } from '../../src/providers/find-candidates.ts';
import { syncProviderOffers } from '../../src/providers/sync-offers.ts';
import { startSandboxProviders } from '../../src/sandbox/start-sandbox-providers.ts';
import { createCustomer } from '../support/factories.ts';
import { createTestApp, sdkHeaders } from '../support/test-app.ts';
import { cleanupAfterFile, createTestContext } from '../support/test-database.ts';
import { waitUntil } from '../support/wait.ts';

const INDONESIA = 6;
const WHATSAPP = 1;

const ctx = await createTestContext({}, { health: { failureThreshold: 3, halfOpenAfterMs: 300 } });
const supply = await startSandboxProviders({
  ctx,
  input: { port: 0, seed: 3, smsDelayMs: 60_000, noSmsRate: 0 },
});
cleanupAfterFile(() => supply.simulator.close());
const app = await createTestApp(ctx);
const { apiKey } = await createCustomer(ctx);
const providerId = (code: string) => supply.providers.find((p) => p.code === code)!.id;

async function catalogProductId(countryId: number, platformId: number): Promise<number> {
  const row = await ctx.db.query(
    'SELECT id FROM catalog_products WHERE country_id = $1 AND platform_id = $2',
    [countryId, platformId],
  );
  return row.rows[0].id;
}

describe('the sandbox pool', () => {
  it('registers the three personas and fills the catalog from all of them', async () => {
    expect(supply.providers.map((p) => [p.code, p.kind, p.sandbox])).toEqual([
      ['alpha', 'handler', true],
      ['beta', 'handler', true],
      ['gamma', 'fivesim', true],
    ]);
    const coverage = await ctx.db.query<{ countries: number; platforms: number; providers: number }>(
      `SELECT count(DISTINCT cp.country_id)::int AS countries, count(DISTINCT cp.platform_id)::int AS platforms,
              count(DISTINCT p.provider_id)::int AS providers
       FROM products p JOIN catalog_products cp ON cp.id = p.catalog_product_id WHERE p.available > 0`,
    );
    expect(coverage.rows[0]!.countries).toBeGreaterThanOrEqual(200);
    expect(coverage.rows[0]!.platforms).toBeGreaterThanOrEqual(700);
    expect(coverage.rows[0]!.providers).toBe(3);
  });

  it('lists Indonesia × WhatsApp from several providers on /v2/catalog/products', async () => {
    const response = await app.inject({
      method: 'GET',
      url: `/v2/catalog/products?country_id=${INDONESIA}&platform_id=${WHATSAPP}`,
      headers: sdkHeaders(apiKey),
    });
    expect(response.statusCode).toBe(200);
    const ids = response.json().data.map((p: { id: number }) => p.id);
    const owners = await ctx.db.query('SELECT DISTINCT provider_id FROM products WHERE id = ANY($1)', [ids]);
    expect(owners.rowCount).toBeGreaterThanOrEqual(2);
    const catalog = await app.inject({
      method: 'GET',
      url: '/v1/catalog/services?country_id=6',
      headers: sdkHeaders(apiKey),
    });
    expect(catalog.json().data.length).toBeGreaterThan(50);
  });

  it('re-syncs in place: same slots, no withdrawals when nothing changed upstream', async () => {
    const before = await ctx.db.query('SELECT id FROM products ORDER BY id');
    const summary = await syncProviderOffers({ ctx, input: { providerId: providerId('gamma') } });
    expect(summary).toMatchObject({ unknownCodes: 0, withdrawn: 0 });
    expect(summary.offers).toBeGreaterThan(10_000);
    const after = await ctx.db.query('SELECT id FROM products ORDER BY id');
    expect(after.rows).toEqual(before.rows);
  });

  it('checks live stock with one upstream call for many concurrent asks', async () => {
    const candidates = await findCandidates({
      ctx,
      input: { catalogProductId: await catalogProductId(INDONESIA, WHATSAPP) },
    });
    const alphaSlot = candidates.find((c) => c.providerCode === 'alpha')!;
    const requests = () =>
      supply.simulator.personas().find((p) => p.name === 'alpha')!.counters.requests as Record<
        string,
        number
      >;
    const pricesBefore = requests().getPrices ?? 0;
    const results = await Promise.all(
      Array.from({ length: 8 }, () => checkLiveStock({ ctx, input: { productId: alphaSlot.productId } })),
    );
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(results[0]!.available).toBeGreaterThan(0);
    expect((requests().getPrices ?? 0) - pricesBefore).toBe(1);
  });

  it('drops a provider that is down out of routing, and takes it back once it recovers', async () => {
    const id = await catalogProductId(INDONESIA, WHATSAPP);
    const alpha = supply.providers.find((p) => p.code === 'alpha')!;
    supply.simulator.setFault('alpha', 'down');
    try {
      for (let i = 0; i < 3; i++) {
        await expect(syncProviderOffers({ ctx, input: { providerId: alpha.id } })).rejects.toMatchObject({
          code: 'PROVIDER_ERROR',
        });
      }
      expect(ctx.upstreams.health.circuit(alpha.id)).toBe('open');
      const routed = await findCandidates({ ctx, input: { catalogProductId: id } });
      expect(routed.some((c) => c.providerCode === 'alpha')).toBe(false);
      expect(routed.length).toBeGreaterThan(0);
    } finally {
      supply.simulator.setFault('alpha', 'ok');
    }
    await waitUntil(async () => (ctx.upstreams.health.circuit(alpha.id) === 'half_open' ? true : undefined));
    await syncProviderOffers({ ctx, input: { providerId: alpha.id } }); // the half-open probe
    expect(ctx.upstreams.health.circuit(alpha.id)).toBe('closed');
    const routed = await findCandidates({ ctx, input: { catalogProductId: id } });
    expect(routed.some((c) => c.providerCode === 'alpha')).toBe(true);
  });

  it('survives garbage from a provider: the sync fails cleanly and the catalog keeps answering', async () => {
    const beta = supply.providers.find((p) => p.code === 'beta')!;
    for (const fault of ['garbage', 'http500'] as const) {
      supply.simulator.setFault('beta', fault);
      try {
        await expect(syncProviderOffers({ ctx, input: { providerId: beta.id } })).rejects.toMatchObject({
          code: 'PROVIDER_ERROR',
        });
      } finally {
        supply.simulator.setFault('beta', 'ok');
      }
    }
    const recorded = await ctx.db.query('SELECT last_sync_error FROM providers WHERE id = $1', [beta.id]);
    expect(recorded.rows[0].last_sync_error).toBeTruthy();
    const response = await app.inject({
      method: 'GET',
      url: `/v1/catalog/products?country_id=${INDONESIA}&platform_id=${WHATSAPP}`,
      headers: sdkHeaders(apiKey),
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().data.length).toBeGreaterThanOrEqual(2);
  });
});

describe('syncs of one provider at the same time', () => {
  it('run one after the other and leave the newest answer', async () => {
    const gamma = providerId('gamma');
    const results = await Promise.all(
      [1, 2, 3].map(() => syncProviderOffers({ ctx, input: { providerId: gamma } })),
    );
    expect(results.every((r) => r.offers > 10_000 && r.offers === results[0]!.offers)).toBe(true);
    expect(results.map((r) => r.withdrawn)).toEqual([0, 0, 0]);
    // Every slot carries the same sync time: the last sync wrote them all, nothing interleaved.
    const times = await ctx.db.query(
      'SELECT count(DISTINCT synced_at)::int AS n FROM products WHERE provider_id = $1 AND available > 0',
      [gamma],
    );
    expect(times.rows[0].n).toBe(1);
  });
});
