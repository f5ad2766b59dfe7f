/**
 * Prices and stock. One shared market base price per country × platform (WhatsApp dear, long tail cheap;
 * rich countries dearer), then each persona applies its priceFactor and a ±5% jitter. The jitter is kept
 * narrower than the gaps between default factors (1, 1.2, 0.85) so personas never tie on an offer, which
 * routing tests rely on. Costs are decimal strings (≤ 4 places in USD, 2 in RUB), never floats on the wire.
 */
import { hashCell, hashOf, unit } from './seeded-random.ts';

export const RUB_PER_USD = 90;

/** Platform ids 1..16 (whatsapp, telegram, google, facebook, instagram, twitter, discord, tiktok, apple,
 * microsoft, amazon, openai, paypal, wechat, vk, ok): typical USD prices. */
const POPULAR_BASE_USD = [
  0.9, 0.8, 0.35, 0.25, 0.2, 0.15, 0.12, 0.18, 0.3, 0.12, 0.15, 0.3, 0.25, 0.6, 0.2, 0.1,
];

/** Country price levels where it is well known; others are seeded between 0.5 and 1.8. */
const COUNTRY_LEVEL: ReadonlyMap<number, number> = new Map([
  [0, 0.7], // Russia
  [1, 0.6], // Ukraine
  [2, 0.6], // Kazakhstan
  [4, 0.8], // Philippines
  [6, 0.7], // Indonesia
  [7, 0.9], // Malaysia
  [10, 0.6], // Vietnam
  [12, 1.5], // USA (virtual)
  [16, 1.6], // United Kingdom
  [22, 0.5], // India
  [36, 1.5], // Canada
  [43, 1.8], // Germany
  [73, 0.8], // Brazil
  [187, 1.8], // USA
]);

export const MIN_BASE_USD = 0.05;
export const MAX_BASE_USD = 2.5;

/** Shared base prices of one world: per-platform and per-country levels are computed once. */
export interface PriceModel {
  basePriceUsd(countryId: number, platformId: number): number;
}

export function createPriceModel(seed: number): PriceModel {
  const platformBases = new Map<number, number>();
  const countryLevels = new Map<number, number>();
  const noiseBase = hashOf(seed, 'base-noise');
  const platformBase = (platformId: number): number => {
    let base = platformBases.get(platformId);
    if (base === undefined) {
      base =
        platformId <= POPULAR_BASE_USD.length
          ? POPULAR_BASE_USD[platformId - 1]!
          : platformId <= 100
            ? 0.08 + 0.5 * unit(hashOf(seed, 'platform-base', platformId))
            : 0.05 + 0.35 * unit(hashOf(seed, 'platform-base', platformId));
      platformBases.set(platformId, base);
    }
    return base;
  };
  const countryLevel = (countryId: number): number => {
    let level = countryLevels.get(countryId);
    if (level === undefined) {
      level = COUNTRY_LEVEL.get(countryId) ?? 0.5 + 1.3 * unit(hashOf(seed, 'country-level', countryId));
      countryLevels.set(countryId, level);
    }
    return level;
  };
  return {
    basePriceUsd(countryId, platformId) {
      const noise = 0.85 + 0.3 * unit(hashCell(noiseBase, countryId, platformId));
      const usd = platformBase(platformId) * countryLevel(countryId) * noise;
      return Math.min(MAX_BASE_USD, Math.max(MIN_BASE_USD, usd));
    },
  };
}

/** An integer count of 10^-places units as a decimal string, trailing zeros dropped: (5000, 4) → "0.5". */
function unitsText(units: number, places: number): string {
  const scale = 10 ** places;
  const whole = Math.floor(units / scale);
  const fraction = String(units % scale)
    .padStart(places, '0')
    .replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : String(whole);
}

/**
 * A USD amount as the persona's decimal price: ≤ 4 places in USD, 2 in RUB. Rounded once to an integer
 * count of the smallest unit and printed from that integer, so the string is exact (no float noise).
 */
export function toPersonaPrice(usd: number, currency: 'USD' | 'RUB'): string {
  if (currency === 'USD') return unitsText(Math.max(1, Math.round(usd * 10_000)), 4);
  return unitsText(Math.max(1, Math.round(usd * RUB_PER_USD * 100)), 2);
}

/** Persona factor with a ±5% jitter per persona × cell. */
export function personaPriceUsd(baseUsd: number, priceFactor: number, jitterHash: number): number {
  return baseUsd * priceFactor * (0.95 + 0.1 * unit(jitterHash));
}

/**
 * Stock 0–5000, skewed low (most offers have tens to hundreds, a few thousands). Popular platforms in core
 * countries always have stock, so demos and tests can buy them; ~10% of the others are sold out.
 */
export function stockFor(hash: number, platformId: number, guaranteed: boolean): number {
  const u = unit(hash);
  if (guaranteed) return 200 + Math.floor(u * 4800);
  if (platformId > 16 && u < 0.1) return 0;
  const v = platformId > 16 ? (u - 0.1) / 0.9 : u;
  return 1 + Math.floor(4999 * v * v);
}

/** 5SIM's success rate of an operator pool, 60.0–99.9. */
export function rateFor(hash: number): number {
  return Math.round(600 + 399 * unit(hash)) / 10;
}
