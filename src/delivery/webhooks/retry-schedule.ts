/**
 * When to try a failed delivery again: a Svix-like schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h,
 * 20 h, 24 h after the previous attempt) with ±20 % jitter so many failing endpoints do not retry in step.
 */
const DELAYS_SECONDS = [5, 300, 1_800, 7_200, 18_000, 36_000, 50_400, 72_000, 86_400];

/** Attempts including the first; after the last one the delivery is given up. */
export const MAX_ATTEMPTS = DELAYS_SECONDS.length + 1;

/** Milliseconds to wait after `attempts` failed attempts, or null when there is no attempt left. */
export function nextRetryDelayMs(attempts: number, random: () => number = Math.random): number | null {
  const base = DELAYS_SECONDS[attempts - 1];
  if (base === undefined) return null;
  return Math.round(base * 1000 * (0.8 + 0.4 * random()));
}
