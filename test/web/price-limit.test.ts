/**
 * The confirm form's max_price: converted back the way /v2 converts a USD maximum (floored to IDR), it is
 * exactly the price shown — never a rupiah under it (the offer would be refused), never one over.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { usdToIdrBound } from '../../src/platform/money.ts';
import { maxPriceUsd } from '../../web/src/lib/price-limit.ts';

describe('the confirm form price limit', () => {
  it('floors back to the shown IDR price at any rate', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e11 }), fc.integer({ min: 1, max: 99_999_999 }), (idr, rate) => {
        const usd = maxPriceUsd(idr, rate);
        expect(usd).toMatch(/^\d{1,12}\.\d{8}$/);
        expect(usdToIdrBound(usd, rate, 'max')).toBe(idr);
      }),
    );
  });

  it('covers a price the 4-decimal display rounds down', () => {
    // 750002 / 16000 = 46.875125, shown as 46.8751, which floors back to 750001.
    expect(usdToIdrBound('46.8751', 16_000, 'max')).toBe(750_001);
    expect(usdToIdrBound(maxPriceUsd(750_002, 16_000), 16_000, 'max')).toBe(750_002);
  });
});
