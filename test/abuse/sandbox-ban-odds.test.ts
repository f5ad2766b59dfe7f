/**
 * The sandbox keeps the abuse guard on: with the default simulator and thresholds, the simulator's
 * numbers without an SMS alone almost never get the demo account banned; a configuration where they
 * would is called out in the banner.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { sandboxBanOdds, sandboxBanWarning } from '../../src/sandbox/sandbox-ban-odds.ts';

const config = (env: Record<string, string> = {}) => loadConfig({ NUMPOOL_SECRET: 'x'.repeat(32), ...env });

describe('the demo account and the abuse guard', () => {
  it('is practically never banned by the default simulator', () => {
    const defaults = config();
    expect(defaults.abuseGuard).toMatchObject({
      enabled: true,
      windowOrders: 20,
      minOrders: 10,
      failureRate: 0.8,
    });
    expect(defaults.sim.noSmsRate).toBe(0.1);
    // 8 or more of 10 without an SMS at 10 %: C(10,8)·0.1⁸·0.9² + … ≈ 3.7e-7.
    expect(sandboxBanOdds(defaults)).toBeCloseTo(3.736e-7, 9);
    expect(sandboxBanWarning(defaults)).toBeUndefined();
  });

  it('is warned about when the simulator alone would trip the guard', () => {
    const harsh = config({ NUMPOOL_SIM_NO_SMS_RATE: '0.9' });
    expect(sandboxBanOdds(harsh)).toBeGreaterThan(0.5);
    expect(sandboxBanWarning(harsh)).toMatch(/abuse guard may ban the demo account/);
    expect(sandboxBanOdds(config({ NUMPOOL_SIM_NO_SMS_RATE: '1' }))).toBe(1);
    expect(sandboxBanOdds(config({ NUMPOOL_SIM_NO_SMS_RATE: '0.9', NUMPOOL_ABUSE_GUARD: '0' }))).toBe(0);
  });
});
