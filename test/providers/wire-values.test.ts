import { describe, expect, it } from 'vitest';
import {
  readAmount,
  readCount,
  readDecimal,
  readId,
  readPhone,
} from '../../src/providers/transport/wire-values.ts';

describe('wire values', () => {
  it('turns JSON numbers and numeric strings into plain decimal text, never exponent notation', () => {
    expect(readDecimal(0.5)).toBe('0.5');
    expect(readDecimal('12.50')).toBe('12.5');
    expect(readDecimal(1e-7)).toBe('0.0000001');
    expect(readDecimal('2.5e-3')).toBe('0.0025');
    expect(readDecimal(1e21)).toBe('1000000000000000000000');
    expect(readDecimal(10)).toBe('10');
    expect(readDecimal(0)).toBe('0');
  });

  it('refuses amounts that are not non-negative decimals', () => {
    for (const bad of [
      -1,
      '-0.5',
      'abc',
      '',
      null,
      undefined,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      {},
      [],
      '1,5',
    ]) {
      expect(readDecimal(bad)).toBeUndefined();
    }
  });

  it('reads balances that may be negative', () => {
    expect(readAmount(-2.5)).toBe('-2.5');
    expect(readAmount('-0.10')).toBe('-0.1');
    expect(readAmount(100)).toBe('100');
    expect(readAmount('x')).toBeUndefined();
  });

  it('reads ids, counts and phones whether strings or numbers', () => {
    expect(readId(635468024)).toBe('635468024');
    expect(readId('1483637249')).toBe('1483637249');
    expect(readId(-1)).toBeUndefined();
    expect(readId(1.5)).toBeUndefined();
    expect(readId('12a')).toBeUndefined();
    expect(readCount('43')).toBe(43);
    expect(readCount(7)).toBe(7);
    expect(readCount(-3)).toBeUndefined();
    expect(readPhone('+79085895281')).toBe('79085895281');
    expect(readPhone(19145355732)).toBe('19145355732');
    expect(readPhone('<html>')).toBeUndefined();
  });
});
