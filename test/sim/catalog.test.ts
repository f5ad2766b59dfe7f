/**
 * The simulated market as clients see it over HTTP: deterministic for a seed, covering numpool's whole
 * catalog between the personas, overlapping on popular offers, with realistic prices, stock and operators.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { seedCatalogRows } from '../../src/catalog/catalog-codes.ts';
import { ALPHA_API_KEY, BETA_API_KEY, type Simulator } from '../../src/sim/index.ts';
import { callFivesim, callHandler, controlCall, startTestSimulator } from './sim-client.ts';

type HandlerPrices = Record<string, Record<string, { cost: number; count: number; physicalCount: number }>>;
type FivesimPrices = Record<
  string,
  Record<string, Record<string, { cost: number; count: number; rate: number }>>
>;

const rows = seedCatalogRows();
const platformByHandlerCode = new Map(rows.platforms.map((p) => [p.handler_code, p.id]));
const platformBySlug = new Map(rows.platforms.map((p) => [p.code, p.id]));
const countryBySlug = new Map(rows.countries.flatMap((c) => (c.fivesim ? [[c.fivesim, c.id] as const] : [])));

let sim: Simulator;
let alphaBody: string;
let alpha: HandlerPrices;
let beta: HandlerPrices;
let gamma: FivesimPrices;

beforeAll(async () => {
  sim = await startTestSimulator();
  alphaBody = (await callHandler(sim, 'alpha', { api_key: ALPHA_API_KEY, action: 'getPrices' })).body;
  alpha = JSON.parse(alphaBody) as HandlerPrices;
  beta = JSON.parse((await callHandler(sim, 'beta', { api_key: BETA_API_KEY, action: 'getPrices' })).body);
  gamma = JSON.parse((await callFivesim(sim, 'gamma', 'guest/prices')).body);
});
afterAll(() => sim.close());

/** country id → platform ids, from any persona's price list. */
function offersOf(
  prices: HandlerPrices | FivesimPrices,
  kind: 'handler' | 'fivesim',
): Map<number, Set<number>> {
  const out = new Map<number, Set<number>>();
  for (const [countryKey, byPlatform] of Object.entries(prices)) {
    const countryId = kind === 'handler' ? Number(countryKey) : countryBySlug.get(countryKey)!;
    const platforms = new Set(
      Object.keys(byPlatform).map(
        (key) => (kind === 'handler' ? platformByHandlerCode : platformBySlug).get(key)!,
      ),
    );
    out.set(countryId, platforms);
  }
  return out;
}

describe('coverage', () => {
  test('together the personas cover all 205 countries and all 2036 platforms', () => {
    const countries = new Set<number>();
    const platforms = new Set<number>();
    for (const offers of [
      offersOf(alpha, 'handler'),
      offersOf(beta, 'handler'),
      offersOf(gamma, 'fivesim'),
    ]) {
      for (const [countryId, ids] of offers) {
        countries.add(countryId);
        for (const id of ids) platforms.add(id);
      }
    }
    expect(countries.size).toBe(205);
    expect(platforms.size).toBe(2036);
    expect([...countries].every((id) => rows.countries.some((c) => c.id === id))).toBe(true);
  });

  test('alpha alone offers every platform somewhere; each persona offers the top 100 everywhere it serves', () => {
    const alphaOffers = offersOf(alpha, 'handler');
    const alphaPlatforms = new Set([...alphaOffers.values()].flatMap((ids) => [...ids]));
    expect(alphaPlatforms.size).toBe(2036);
    const gaps: string[] = [];
    for (const offers of [alphaOffers, offersOf(beta, 'handler'), offersOf(gamma, 'fivesim')]) {
      for (const [countryId, ids] of offers) {
        for (let id = 1; id <= 100; id++) if (!ids.has(id)) gaps.push(`${countryId}×${id}`);
      }
    }
    expect(gaps).toEqual([]);
    const total = [...alphaOffers.values()].reduce((sum, ids) => sum + ids.size, 0);
    expect(total).toBeGreaterThan(30_000);
    expect(total).toBeLessThan(40_000);
  });

  test('5SIM personas only serve countries 5SIM can name', () => {
    const withSlug = new Set(rows.countries.filter((c) => c.fivesim).map((c) => c.id));
    for (const countryId of offersOf(gamma, 'fivesim').keys()) expect(withSlug.has(countryId)).toBe(true);
  });

  test('Indonesia × WhatsApp is offered by all three at different prices', () => {
    const usd = [alpha['6']!.wa!.cost, beta['6']!.wa!.cost, gamma.indonesia!.whatsapp!.any!.cost / 90];
    expect(new Set(usd).size).toBe(3);
    for (const price of usd) {
      expect(price).toBeGreaterThan(0.04);
      expect(price).toBeLessThan(3.5);
    }
  });
});

describe('prices, stock and operators', () => {
  test('handler prices are decimals with at most 4 places; stock 0–5000 with some sold out', () => {
    const entries = Object.values(alpha).flatMap((byService) => Object.values(byService));
    const odd = entries.filter(
      (e) =>
        !/^\d+(\.\d{1,4})?$/.test(String(e.cost)) ||
        e.cost < 0.04 ||
        e.cost > 2.7 ||
        !Number.isInteger(e.count) ||
        e.count < 0 ||
        e.count > 5000 ||
        e.physicalCount !== e.count,
    );
    expect(odd).toEqual([]);
    expect(entries.some((e) => e.count === 0)).toBe(true);
    // WhatsApp is dearer than the long tail on average.
    const average = (code: string) => {
      const costs = Object.values(alpha).flatMap((s) => (s[code] ? [s[code].cost] : []));
      return costs.reduce((a, b) => a + b, 0) / costs.length;
    };
    expect(average('wa')).toBeGreaterThan(average('ok'));
  });

  test('beta is dearer than alpha on the offers both have (priceFactor 1.2 vs 1)', () => {
    let compared = 0;
    const cheaper: string[] = [];
    for (const [country, services] of Object.entries(beta)) {
      for (const [code, entry] of Object.entries(services)) {
        const mine = alpha[country]?.[code];
        if (!mine) continue;
        if (entry.cost <= mine.cost) cheaper.push(`${country}/${code}`);
        compared++;
      }
    }
    expect(cheaper).toEqual([]);
    expect(compared).toBeGreaterThan(10_000);
  });

  test('5SIM offers have 1–4 operators, RUB prices with at most 2 places', () => {
    const odd: string[] = [];
    for (const [country, byProduct] of Object.entries(gamma)) {
      for (const [product, byOperator] of Object.entries(byProduct)) {
        const operators = Object.keys(byOperator);
        const costsOk = Object.values(byOperator).every((row) => /^\d+(\.\d{1,2})?$/.test(String(row.cost)));
        if (operators[0] !== 'any' || operators.length > 4 || !costsOk) odd.push(`${country}/${product}`);
      }
    }
    expect(odd).toEqual([]);
    expect(Object.keys(gamma.indonesia!.whatsapp!)).toEqual(
      expect.arrayContaining(['any', 'telkomsel', 'indosat']),
    );
  });
});

describe('determinism', () => {
  test('the same seed gives the same price lists; another seed differs', async () => {
    const twin = await startTestSimulator();
    const other = await startTestSimulator({ seed: 8 });
    try {
      const twinBody = (await callHandler(twin, 'alpha', { api_key: ALPHA_API_KEY, action: 'getPrices' }))
        .body;
      expect(twinBody).toBe(alphaBody);
      expect((await callFivesim(twin, 'gamma', 'guest/prices')).body).toBe(JSON.stringify(gamma));
      const otherBody = (await callHandler(other, 'alpha', { api_key: ALPHA_API_KEY, action: 'getPrices' }))
        .body;
      expect(otherBody).not.toBe(alphaBody);
    } finally {
      await Promise.all([twin.close(), other.close()]);
    }
  });

  test('the same seed gives the same ids, phones, codes and delays', async () => {
    const run = async (seed: number) => {
      const s = await startTestSimulator({ seed, smsDelayMs: 0 });
      try {
        const call = (params: Record<string, string>) =>
          callHandler(s, 'alpha', { api_key: ALPHA_API_KEY, ...params });
        const number = (await call({ action: 'getNumber', service: 'wa', country: '6' })).body;
        const id = number.split(':')[1]!;
        const status = (await call({ action: 'getStatus', id })).body;
        const full = (await call({ action: 'getFullSms', id })).body;
        await controlCall(s, 'PATCH', 'personas/alpha', { smsDelayMs: 5000 });
        const delayed = (await call({ action: 'getNumber', service: 'tg', country: '22' })).body.split(
          ':',
        )[1]!;
        const view = (await controlCall(s, 'GET', `personas/alpha/activations/${delayed}`)).json as {
          createdAt: string;
          smsExpectedAt: string;
        };
        const delay = Date.parse(view.smsExpectedAt) - Date.parse(view.createdAt);
        return { number, status, full, delay };
      } finally {
        await s.close();
      }
    };
    const first = await run(11);
    const second = await run(11);
    const third = await run(12);
    expect(first.status).toMatch(/^STATUS_OK:\d{6}$/);
    expect(second.number).toBe(first.number);
    expect(second.status).toBe(first.status);
    expect(second.full).toBe(first.full);
    expect(second.delay).toBe(first.delay);
    expect(first.delay).toBeGreaterThan(0);
    expect(third.number).not.toBe(first.number);
  });
});
