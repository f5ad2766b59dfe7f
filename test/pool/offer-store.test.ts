import { describe, expect, it } from 'vitest';
import { setFxRate } from '../../src/pricing/fx-rates.ts';
import { setMarkupRule } from '../../src/pricing/markup-rules.ts';
import { addProvider, offer, slot, stock } from '../support/pool-fixtures.ts';
import { createTestContext } from '../support/test-database.ts';

const ctx = await createTestContext();

describe('storing synced offers', () => {
  it('creates tier slots priced from cost × markup, with umbrellas and operators', async () => {
    const provider = await addProvider(ctx);
    const result = await stock(ctx, provider, [
      offer(6, 1, '0.10', 50),
      offer(6, 1, '0.12', 7, 'telkomsel'),
      offer(0, 2, '1.5', 3),
    ]);
    expect(result).toEqual({ stored: 3, withdrawn: 0 });
    // 0.10 USD × 16000 = 1600 IDR cost; global markup 1.30 → 2080.
    expect(await slot(ctx, provider.id, 6, 1)).toMatchObject({ cost_idr: 1600, price: 2080, available: 50 });
    expect(await slot(ctx, provider.id, 6, 1, 'telkomsel')).toMatchObject({
      cost_idr: 1920,
      price: 2496,
      available: 7,
    });
    const umbrellas = await ctx.db.query(
      'SELECT 1 FROM catalog_products WHERE (country_id, platform_id) IN ((6, 1), (0, 2))',
    );
    expect(umbrellas.rowCount).toBe(2);
  });

  it('updates slots in place, withdraws what is no longer offered, and revives it later', async () => {
    const provider = await addProvider(ctx);
    await stock(ctx, provider, [offer(7, 1, '0.20', 5), offer(7, 2, '0.20', 5)]);
    const before = await slot(ctx, provider.id, 7, 1);
    const gone = await slot(ctx, provider.id, 7, 2);

    expect(await stock(ctx, provider, [offer(7, 1, '0.25', 9)])).toEqual({ stored: 1, withdrawn: 1 });
    const after = await slot(ctx, provider.id, 7, 1);
    expect(after.id).toBe(before.id);
    expect(after).toMatchObject({ available: 9, cost_idr: 4000, price: 5200 });
    expect(await slot(ctx, provider.id, 7, 2)).toMatchObject({ id: gone.id, available: 0 });

    await stock(ctx, provider, [offer(7, 1, '0.25', 9), offer(7, 2, '0.30', 4)]);
    expect(await slot(ctx, provider.id, 7, 2)).toMatchObject({ id: gone.id, available: 4 });
  });

  it('keeps one slot per coordinate when a provider repeats an offer (the cheapest wins)', async () => {
    const provider = await addProvider(ctx);
    await stock(ctx, provider, [offer(8, 1, '0.50', 1), offer(8, 1, '0.40', 2)]);
    expect(await slot(ctx, provider.id, 8, 1)).toMatchObject({ cost_idr: 6400, available: 2 });
  });

  it('converts each provider currency at its stored rate', async () => {
    await setFxRate({ ctx, input: { currency: 'RUB', idrPerUnit: 175 } });
    const provider = await addProvider(ctx, { currency: 'RUB' });
    await stock(ctx, provider, [offer(10, 1, '12', 3)]);
    expect(await slot(ctx, provider.id, 10, 1)).toMatchObject({ cost_idr: 2100, cost_currency: 'RUB' });
  });

  it('applies the most specific markup: platform over country over provider over global', async () => {
    const provider = await addProvider(ctx);
    await setMarkupRule({ ctx, input: { scope: 'provider', providerId: provider.id, multiplier: 1.5 } });
    await setMarkupRule({ ctx, input: { scope: 'country', countryId: 11, multiplier: 2 } });
    await setMarkupRule({ ctx, input: { scope: 'platform', platformId: 5, multiplier: 1.1, addIdr: 100 } });
    await stock(ctx, provider, [offer(11, 5, '0.10'), offer(11, 6, '0.10'), offer(12, 6, '0.10')]);
    expect((await slot(ctx, provider.id, 11, 5)).price).toBe(1760 + 100);
    expect((await slot(ctx, provider.id, 11, 6)).price).toBe(3200);
    expect((await slot(ctx, provider.id, 12, 6)).price).toBe(2400);
  });

  it('refuses markups that would sell below cost', async () => {
    await expect(setMarkupRule({ ctx, input: { scope: 'global', multiplier: 0.9 } })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    await expect(setMarkupRule({ ctx, input: { scope: 'country', multiplier: 1.2 } })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    await expect(
      setMarkupRule({ ctx, input: { scope: 'country', countryId: 99_999, multiplier: 1.2 } }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('skips an absurd offer without failing the others, and caps stock to what a slot can hold', async () => {
    const provider = await addProvider(ctx);
    const result = await stock(ctx, provider, [
      offer(13, 1, '0.10', 3_000_000_000),
      offer(13, 2, '1000000000000', 5),
      offer(13, 3, '0.10', 5),
    ]);
    expect(result.stored).toBe(2);
    expect((await slot(ctx, provider.id, 13, 1)).available).toBe(2 ** 31 - 1);
    expect(await slot(ctx, provider.id, 13, 2)).toBeUndefined();
  });

  it('prices from the exact cost: never below it, never at 0', async () => {
    await setFxRate({ ctx, input: { currency: 'RUB', idrPerUnit: 180 } });
    await setMarkupRule({ ctx, input: { scope: 'country', countryId: 14, multiplier: 1 } });
    const provider = await addProvider(ctx, { currency: 'RUB' });
    await stock(ctx, provider, [offer(14, 1, '0.002'), offer(14, 2, '0.0078')]);
    // 0.36 IDR costs 1 IDR; 1.404 IDR costs 2 IDR (rounded up once, on the price).
    expect(await slot(ctx, provider.id, 14, 1)).toMatchObject({ cost_idr: 0, price: 1 });
    expect(await slot(ctx, provider.id, 14, 2)).toMatchObject({ cost_idr: 1, price: 2 });
  });
});
