/**
 * The sandbox's simulator leaves a share of numbers without an SMS (NUMPOOL_SIM_NO_SMS_RATE), and the
 * abuse guard counts those orders as failed. These are the odds that the demo account, cancelling
 * nothing itself, is banned by the simulator alone: the worst, over every window size the guard judges
 * (minOrders … windowOrders), of at least failureRate·n orders of n going without an SMS. With the
 * defaults (10 %, 10 of 20 at 80 %) they are below one in a million, so the demo keeps the guard on, as
 * production does; the banner says so when a configuration makes a ban likely.
 */
import type { Config } from '../config.ts';

function binomialTail(n: number, k: number, p: number): number {
  let total = 0;
  let term = (1 - p) ** n; // P(X = 0)
  for (let i = 0; i <= n; i++) {
    if (i >= k) total += term;
    term = (term * (n - i) * p) / ((i + 1) * (1 - p));
  }
  return Math.min(1, total);
}

export function sandboxBanOdds(config: Pick<Config, 'abuseGuard' | 'sim'>): number {
  const { enabled, minOrders, windowOrders, failureRate } = config.abuseGuard;
  const p = config.sim.noSmsRate;
  if (!enabled || p === 0) return 0;
  if (p === 1) return 1;
  let worst = 0;
  for (let n = minOrders; n <= Math.max(minOrders, windowOrders); n++) {
    // The smallest number of failures whose share reaches the rate (the guard compares failed/n).
    let k = Math.ceil(failureRate * n);
    while (k > 0 && (k - 1) / n >= failureRate) k--;
    worst = Math.max(worst, binomialTail(n, k, p));
  }
  return worst;
}

/** A banner line when the simulator alone would likely get the demo banned; undefined otherwise. */
export function sandboxBanWarning(config: Pick<Config, 'abuseGuard' | 'sim'>): string | undefined {
  const odds = sandboxBanOdds(config);
  if (odds < 0.01) return undefined;
  return `  note:      the simulator leaves ${Math.round(config.sim.noSmsRate * 100)}% of numbers without an SMS; the abuse guard may ban the demo account (lift it at /admin/api/accounts/<id>/abuse-guard/lift, or set NUMPOOL_ABUSE_GUARD=0)`;
}
