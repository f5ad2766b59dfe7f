/**
 * Seeded randomness. Everything the simulator invents is a function of (seed, persona, what, which), never
 * of request order across personas: the catalog from a stateless hash per cell (1.2M cells are cheap to
 * hash, too many to give each its own generator), and per-activation draws (phone, SMS delay, code) from a
 * pure-rand generator seeded by the activation's sequence number. So the same seed replays the same world.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/** A 32-bit avalanche (murmur3 finaliser). */
function mix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export type HashPart = number | string;

/** Combines an already-computed hash with more parts (integers or text). */
export function hashWith(start: number, ...parts: HashPart[]): number {
  let h = start >>> 0;
  for (const part of parts) {
    const value =
      typeof part === 'string'
        ? hashText(part)
        : mix32((part >>> 0) ^ Math.imul(Math.floor(part / 0x1_0000_0000) | 0, 0x27d4eb2d));
    h = mix32(Math.imul(h ^ value, 0x9e3779b1) ^ (h >>> 15));
  }
  return h;
}

/** Fast path for the catalog's hot loops (over a million cells): a base hash and two small integers. */
export function hashCell(base: number, a: number, b: number): number {
  let h = mix32(Math.imul(base ^ mix32(a), 0x9e3779b1) ^ (base >>> 15));
  h = mix32(Math.imul(h ^ mix32(b + 0x632be5ab), 0x9e3779b1) ^ (h >>> 15));
  return h;
}

export function hashOf(...parts: HashPart[]): number {
  return hashWith(0x6a09e667, ...parts);
}

/** A hash as a uniform number in [0, 1). */
export function unit(hash: number): number {
  return hash / 0x1_0000_0000;
}

export interface SeededRng {
  /** Uniform integer in [from, to]. */
  int(from: number, to: number): number;
  /** Uniform in [0, 1). */
  float(): number;
  pick<T>(items: readonly T[]): T;
  /** Standard normal (Box–Muller). */
  normal(): number;
}

export function seededRng(...parts: HashPart[]): SeededRng {
  const generator = xoroshiro128plus(hashOf(...parts) | 0);
  const float = () => uniformFloat64(generator);
  return {
    int: (from, to) => uniformInt(generator, from, to),
    float,
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[uniformInt(generator, 0, items.length - 1)]!;
    },
    normal: () => {
      const u1 = 1 - float();
      const u2 = float();
      return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    },
  };
}

/** Log-normal around a median: most draws near it, a long tail of slow ones (as real SMS arrivals). */
export function logNormal(rng: SeededRng, median: number, sigma = 0.6): number {
  return median * Math.exp(sigma * rng.normal());
}
