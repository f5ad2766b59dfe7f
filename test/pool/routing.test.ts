import { describe, expect, it } from 'vitest';
import { recordDeliveryOutcome } from '../../src/providers/delivery-stats.ts';
import { findCandidates } from '../../src/providers/find-candidates.ts';
import { ProviderError } from '../../src/providers/port.ts';
import { updateProvider } from '../../src/providers/save-provider.ts';
import { addProvider, offer, slot, stock } from '../support/pool-fixtures.ts';
import { createTestContext } from '../support/test-database.ts';
import { waitUntil } from '../support/wait.ts';

const ctx = await createTestContext({}, { health: { failureThreshold: 3, halfOpenAfterMs: 200 } });

async function catalogProduct(countryId: number, platformId: number): Promise<number> {
  const row = await ctx.db.query(
    'SELECT id FROM catalog_products WHERE country_id = $1 AND platform_id = $2',
    [countryId, platformId],
  );
  return row.rows[0].id;
}

async function outcomes(
  providerId: number,
  countryId: number,
  platformId: number,
  delivered: number,
  failed: number,
  ttc = 20_000,
) {
  for (let i = 0; i < delivered; i++) {
    await recordDeliveryOutcome({
      ctx,
      input: { providerId, countryId, platformId, delivered: true, timeToCodeMs: ttc },
    });
  }
  for (let i = 0; i < failed; i++) {
    await recordDeliveryOutcome({ ctx, input: { providerId, countryId, platformId, delivered: false } });
  }
}

describe('routing candidates', () => {
  it('orders by price under cheapest, by smoothed success rate under best_success', async () => {
    const cheap = await addProvider(ctx);
    const reliable = await addProvider(ctx);
    await stock(ctx, cheap, [offer(20, 1, '0.10')]);
    await stock(ctx, reliable, [offer(20, 1, '0.20')]);
    await outcomes(cheap.id, 20, 1, 2, 8);
    await outcomes(reliable.id, 20, 1, 9, 1);
    const id = await catalogProduct(20, 1);

    const cheapest = await findCandidates({ ctx, input: { catalogProductId: id } });
    expect(cheapest.map((c) => c.providerId)).toEqual([cheap.id, reliable.id]);
    expect(cheapest[0]!.stats).toMatchObject({ samples: 10, medianTimeToCodeMs: 20_000 });
    expect(cheapest[0]!.stats.successRate).toBeCloseTo((2 + 3.5) / 15, 6);

    const best = await findCandidates({ ctx, input: { catalogProductId: id, policy: 'best_success' } });
    expect(best.map((c) => c.providerId)).toEqual([reliable.id, cheap.id]);
  });

  it('prefers a named provider softly, keeping the others as failover', async () => {
    const a = await addProvider(ctx);
    const b = await addProvider(ctx);
    await stock(ctx, a, [offer(21, 1, '0.10')]);
    await stock(ctx, b, [offer(21, 1, '0.30')]);
    const candidates = await findCandidates({
      ctx,
      input: { catalogProductId: await catalogProduct(21, 1), preferProvider: b.code.toUpperCase() },
    });
    expect(candidates.map((c) => c.providerId)).toEqual([b.id, a.id]);
  });

  it('honours price bounds, operator and stock, and skips disabled providers', async () => {
    const a = await addProvider(ctx);
    const b = await addProvider(ctx);
    const c = await addProvider(ctx);
    await stock(ctx, a, [offer(22, 1, '0.10', 5), offer(22, 1, '0.15', 5, 'op-x')]);
    await stock(ctx, b, [offer(22, 1, '0.50', 0)]);
    await stock(ctx, c, [offer(22, 1, '0.20', 5)]);
    const id = await catalogProduct(22, 1);
    const all = await findCandidates({ ctx, input: { catalogProductId: id } });
    expect(all.map((x) => x.price)).toEqual([2080, 3120, 4160]); // b has no stock
    const bounded = await findCandidates({
      ctx,
      input: { catalogProductId: id, maxPrice: 4159, minPrice: 2081 },
    });
    expect(bounded.map((x) => x.price)).toEqual([3120]);
    const operatorId = (await slot(ctx, a.id, 22, 1, 'op-x')).operator_id;
    const byOperator = await findCandidates({ ctx, input: { catalogProductId: id, operatorId } });
    expect(byOperator.map((x) => x.operatorCode)).toEqual(['op-x']);
    await updateProvider({ ctx, input: { ref: a.id, changes: { enabled: false } } });
    expect((await findCandidates({ ctx, input: { catalogProductId: id } })).map((x) => x.providerId)).toEqual(
      [c.id],
    );
  });

  it('drops a provider whose circuit is open and lets it back after a successful probe', async () => {
    const flaky = await addProvider(ctx);
    const steady = await addProvider(ctx);
    await stock(ctx, flaky, [offer(23, 1, '0.10')]);
    await stock(ctx, steady, [offer(23, 1, '0.20')]);
    const id = await catalogProduct(23, 1);
    const fail = () => Promise.reject(new ProviderError('UNAVAILABLE', 'refused'));
    for (let i = 0; i < 3; i++)
      await expect(ctx.upstreams.health.call(flaky.id, 'test', fail)).rejects.toThrow();
    expect(ctx.upstreams.health.circuit(flaky.id)).toBe('open');
    await expect(ctx.upstreams.health.call(flaky.id, 'test', async () => 1)).rejects.toMatchObject({
      kind: 'UNAVAILABLE',
    });
    expect((await findCandidates({ ctx, input: { catalogProductId: id } })).map((c) => c.providerId)).toEqual(
      [steady.id],
    );

    await waitUntil(async () => (ctx.upstreams.health.circuit(flaky.id) === 'half_open' ? true : undefined));
    expect((await findCandidates({ ctx, input: { catalogProductId: id } }))[0]!.providerId).toBe(flaky.id);
    expect(await ctx.upstreams.health.call(flaky.id, 'test', async () => 'ok')).toBe('ok');
    expect(ctx.upstreams.health.circuit(flaky.id)).toBe('closed');
  });

  it('opens only on consecutive failures: a business answer in between resets the count', async () => {
    const provider = await addProvider(ctx);
    const timeout = () => Promise.reject(new ProviderError('TIMEOUT', 'slow'));
    const empty = () => Promise.reject(new ProviderError('NO_NUMBERS', 'none'));
    for (const fn of [timeout, timeout, empty, timeout, timeout]) {
      await expect(ctx.upstreams.health.call(provider.id, 'test', fn)).rejects.toBeInstanceOf(ProviderError);
    }
    expect(ctx.upstreams.health.snapshot(provider.id)).toMatchObject({
      circuit: 'closed',
      consecutiveFailures: 2,
    });
  });

  it('does not count business answers (no numbers, bad request) against health', async () => {
    const provider = await addProvider(ctx);
    for (let i = 0; i < 5; i++) {
      await expect(
        ctx.upstreams.health.call(provider.id, 'test', () =>
          Promise.reject(new ProviderError('NO_NUMBERS', 'none')),
        ),
      ).rejects.toMatchObject({ kind: 'NO_NUMBERS' });
    }
    expect(ctx.upstreams.health.snapshot(provider.id)).toMatchObject({
      circuit: 'closed',
      consecutiveFailures: 0,
    });
  });

  it('refuses an unknown policy', async () => {
    await expect(
      findCandidates({ ctx, input: { catalogProductId: 1, policy: 'random' as 'cheapest' } }),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
  });
});
