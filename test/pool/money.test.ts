import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyMultiplier, fromIdr, toIdr, usdToIdrBound } from '../../src/platform/money.ts';
import { open, seal } from '../../src/platform/secret-box.ts';

describe('money projections', () => {
  it('match the contract examples, half-up and padded', () => {
    expect(fromIdr(750_000, 16_000, 4)).toBe('46.8750');
    expect(fromIdr(1_250_000, 16_000, 2)).toBe('78.13');
    expect(fromIdr(2_000_000, 16_000, 2)).toBe('125.00');
    expect(fromIdr(0, 16_000, 4)).toBe('0.0000');
    expect(fromIdr(8, 16_000, 4)).toBe('0.0005'); // 0.0005 exactly: half-up, not to even
  });

  it('convert provider costs to whole IDR half-up without float drift', () => {
    expect(toIdr('0.1', 16_000)).toBe(1600);
    expect(toIdr('0.00003125', 16_000)).toBe(1); // 0.5 IDR rounds up
    expect(toIdr('12.5', '180.000000')).toBe(2250);
    expect(toIdr('0.3', '0.1')).toBe(0);
  });

  it('floor USD maxima and ceil USD minima', () => {
    expect(usdToIdrBound('0.50', 16_000, 'max')).toBe(8000);
    expect(usdToIdrBound('0.00001', 16_000, 'max')).toBe(0);
    expect(usdToIdrBound('0.00001', 16_000, 'min')).toBe(1);
  });

  it('never sells below cost under any multiplier ≥ 1 (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 10_000, max: 1_000_000 }),
        fc.integer({ min: 0, max: 5_000 }),
        (cost, multiplierBasis, add) => {
          const multiplier = (multiplierBasis / 10_000).toFixed(4);
          const price = applyMultiplier(cost, multiplier, add);
          expect(Number.isSafeInteger(price)).toBe(true);
          expect(price).toBeGreaterThanOrEqual(cost + add);
          expect(price - add).toBeGreaterThanOrEqual(Math.ceil(cost * Number(multiplier) - 1e-6));
        },
      ),
    );
  });

  it('round-trips any IDR amount through USD at 4 decimals within half a unit (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 1, max: 100_000 }), (idr, rate) => {
        const usd = fromIdr(idr, rate, 4);
        expect(usd).toMatch(/^\d+\.\d{4}$/);
        expect(Math.abs(Number(usd) * rate - idr)).toBeLessThanOrEqual(rate * 0.00005 + 1e-6 * idr);
      }),
    );
  });
});

describe('sealed credentials', () => {
  it('open only with the same secret and detect tampering', () => {
    const sealed = seal('s'.repeat(40), 'api-key-123');
    expect(sealed).not.toContain('api-key-123');
    expect(open('s'.repeat(40), sealed)).toBe('api-key-123');
    expect(() => open('t'.repeat(40), sealed)).toThrow();
    const tampered = `${sealed.slice(0, -2)}${sealed.endsWith('A') ? 'B' : 'A'}A`;
    expect(() => open('s'.repeat(40), tampered)).toThrow();
    expect(seal('s'.repeat(40), 'x')).not.toBe(seal('s'.repeat(40), 'x'));
  });
});

describe('integer-rate fast path', () => {
  it('agrees with exact decimal arithmetic for any amount and rate (property)', async () => {
    const { default: Big } = await import('big.js');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 50 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.constantFrom(0, 2, 4),
        (idr, rate, dp) => {
          expect(fromIdr(idr, rate, dp)).toBe(new Big(idr).div(rate).round(dp, Big.roundHalfUp).toFixed(dp));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
