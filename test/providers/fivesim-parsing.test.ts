/** 5SIM bodies, including the odd ones (errors as 200 text, null sms, product-first prices). */
import { describe, expect, it } from 'vitest';
import { buildCatalogCodes, seedCatalogRows } from '../../src/catalog/catalog-codes.ts';
import { fivesimStatusError, fivesimTextError } from '../../src/providers/fivesim/fivesim-errors.ts';
import { parseOrder, parseOrderList } from '../../src/providers/fivesim/fivesim-order.ts';
import { parseFivesimOperators, parseFivesimPrices } from '../../src/providers/fivesim/fivesim-prices.ts';
import { ProviderError } from '../../src/providers/port.ts';

const codes = buildCatalogCodes(seedCatalogRows());

function errorOf(fn: () => unknown): ProviderError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw error;
  }
  throw new Error('expected a ProviderError');
}

const ORDER = {
  id: 53533933,
  phone: '+79085895281',
  operator: 'tele2',
  product: 'aliexpress',
  price: 2,
  status: 'PENDING',
  expires: '2020-06-28T16:32:43.307041Z',
  sms: [],
  created_at: '2020-06-28T16:17:43.307041Z',
  country: 'russia',
};

describe('5sim errors', () => {
  it.each([
    ['no free phones', 'NO_NUMBERS'],
    ['not enough user balance', 'NO_BALANCE'],
    ['order not found', 'NOT_FOUND'],
    ['record not found', 'NOT_FOUND'],
    ['order has sms', 'CONFLICT'],
    ['order can not be canceled yet', 'EARLY_CANCEL'],
    ['bad country', 'BAD_REQUEST'],
    ['country is incorrect', 'BAD_REQUEST'],
    ['bad operator', 'BAD_REQUEST'],
    ['select operator', 'BAD_REQUEST'],
    ['No Product', 'BAD_REQUEST'],
    ['server offline', 'UNAVAILABLE'],
    ['internal error', 'UNAVAILABLE'],
    ['<html><body>hello</body></html>', 'PROTOCOL'],
    ['\u0000\u0001garbage', 'PROTOCOL'],
  ] as const)('a 200 body %j → %s', (text, kind) => {
    expect(fivesimTextError(text, 'test').kind).toBe(kind);
  });

  it.each([
    [401, '', 'BAD_KEY'],
    [403, 'forbidden', 'BAD_KEY'],
    [429, 'limit', 'UNAVAILABLE'],
    [503, 'server offline', 'UNAVAILABLE'],
    [500, '<html>', 'UNAVAILABLE'],
    [400, 'not enough user balance', 'NO_BALANCE'],
    [404, 'order not found', 'NOT_FOUND'],
    [400, 'something odd', 'BAD_REQUEST'],
    [418, 'teapot', 'PROTOCOL'],
  ] as const)('HTTP %i %j → %s', (status, body, kind) => {
    expect(fivesimStatusError({ status, contentType: 'text/plain', body }, 'test').kind).toBe(kind);
  });
});

describe('5sim orders', () => {
  it('strips the + from the phone and reads a pending order without SMS as WAITING', () => {
    expect(parseOrder(ORDER, 'test')).toEqual({
      ref: '53533933',
      phone: '79085895281',
      operator: 'tele2',
      cost: '2',
      state: 'WAITING',
      messages: [],
    });
    expect(parseOrder({ ...ORDER, status: 'RECEIVED', sms: null }, 'test').state).toBe('WAITING');
  });

  it('reads SMS and reports RECEIVED once there is one', () => {
    const order = parseOrder(
      {
        ...ORDER,
        status: 'RECEIVED',
        sms: [
          {
            created_at: '2020-06-28T16:20:00Z',
            date: '2020-06-28T16:20:00Z',
            sender: 'WA',
            text: 'code 123',
            code: '123',
          },
        ],
      },
      'test',
    );
    expect(order.state).toBe('RECEIVED');
    expect(order.messages).toEqual([
      { text: 'code 123', code: '123', receivedAt: new Date('2020-06-28T16:20:00Z') },
    ]);
  });

  it.each([
    ['CANCELED', 'CANCELED'],
    ['TIMEOUT', 'TIMEOUT'],
    ['FINISHED', 'FINISHED'],
    ['BANNED', 'BANNED'],
  ] as const)('status %s → %s', (status, state) => {
    expect(parseOrder({ ...ORDER, status }, 'test').state).toBe(state);
  });

  it('rejects orders it cannot read', () => {
    for (const bad of [
      null,
      [],
      'x',
      { ...ORDER, id: null },
      { ...ORDER, phone: 5 },
      { ...ORDER, status: 'WHAT' },
      { ...ORDER, sms: {} },
    ]) {
      expect(errorOf(() => parseOrder(bad, 'test')).kind).toBe('PROTOCOL');
    }
  });

  it('reads order lists, Data null included', () => {
    expect(parseOrderList({ Data: null, Total: 0 })).toEqual({ orders: [], total: 0 });
    expect(parseOrderList({ Data: [ORDER], Total: 1 }).orders).toHaveLength(1);
    expect(errorOf(() => parseOrderList({ Data: 'x' })).kind).toBe('PROTOCOL');
  });
});

describe('5sim prices', () => {
  const prices = {
    indonesia: {
      whatsapp: { telkomsel: { cost: 8, count: 10, rate: 99.9 }, any: { cost: '7.5', count: 3 } },
      nosuchproduct: { virtual1: { cost: 1, count: 1 } },
    },
    atlantis: { whatsapp: { virtual1: { cost: 1, count: 1 } } },
    russia: { telegram: { mts: { cost: 2.5e-7, count: 0 }, beeline: { cost: null, count: 1 } } },
  };

  it('makes one offer per operator; only "any" becomes null', () => {
    const list = parseFivesimPrices(prices, codes);
    expect(list.offers).toEqual([
      { countryId: 6, platformId: 1, operator: 'telkomsel', cost: '8', available: 10 },
      { countryId: 6, platformId: 1, operator: null, cost: '7.5', available: 3 },
      { countryId: 0, platformId: 2, operator: 'mts', cost: '0.00000025', available: 0 },
    ]);
    expect(list.unknownCodes.sort()).toEqual([
      'country:atlantis',
      'malformed:russia/telegram/beeline',
      'product:nosuchproduct',
    ]);
  });

  it('reads the product-first shape of a product-only query and the null body', () => {
    const productFirst = { whatsapp: { indonesia: { telkomsel: { cost: 8, count: 10 } } } };
    expect(parseFivesimPrices(productFirst, codes, { platformId: 1 }).offers).toEqual([
      { countryId: 6, platformId: 1, operator: 'telkomsel', cost: '8', available: 10 },
    ]);
    expect(parseFivesimPrices(null, codes, { countryId: 6, platformId: 1 })).toEqual({
      offers: [],
      unknownCodes: [],
    });
    expect(errorOf(() => parseFivesimPrices([1], codes)).kind).toBe('PROTOCOL');
  });

  it('lists the operators of a country', () => {
    expect(parseFivesimOperators(prices, 'indonesia')).toEqual(['telkomsel', 'virtual1']);
    expect(parseFivesimOperators(prices, 'england')).toEqual([]);
  });
});
