/** How long bans last and how they escalate; how the handler API writes a ban's end. */
import { describe, expect, it } from 'vitest';
import {
  type AbuseBan,
  banMinutes,
  MAX_BAN_MINUTES,
  nextTier,
  retryAfterSeconds,
} from '../../src/abuse/abuse-ban.ts';
import { handlerBanTime } from '../../src/api/compat/handler/handler-values.ts';

const HOUR = 3_600_000;
const at = (iso: string) => new Date(iso);
const ban = (tier: number, until: string, liftedAt: string | null = null) =>
  ({ tier, until: at(until), liftedAt: liftedAt ? at(liftedAt) : null }) as AbuseBan;

describe('ban durations', () => {
  it('double per tier from the configured first ban, capped at 7 days', () => {
    expect([1, 2, 3, 4].map((tier) => banMinutes(tier, 15))).toEqual([15, 30, 60, 120]);
    expect(banMinutes(11, 15)).toBe(MAX_BAN_MINUTES);
    expect(banMinutes(10_000, 15)).toBe(7 * 24 * 60);
    expect(banMinutes(1, 525_600)).toBe(MAX_BAN_MINUTES);
  });

  it('escalate within 24 h of the previous ban’s end, start over after it or after a lift', () => {
    const now = at('2025-03-01T12:00:00Z');
    expect(nextTier(null, now)).toBe(1);
    expect(nextTier(ban(2, '2025-03-01T11:00:00Z'), now)).toBe(3);
    expect(nextTier(ban(2, new Date(now.getTime() - 24 * HOUR).toISOString()), now)).toBe(3);
    expect(nextTier(ban(2, new Date(now.getTime() - 24 * HOUR - 1).toISOString()), now)).toBe(1);
    expect(nextTier(ban(4, '2025-03-01T11:00:00Z', '2025-03-01T10:00:00Z'), now)).toBe(1);
  });

  it('tell clients whole seconds to wait, at least one while banned', () => {
    const now = at('2025-03-01T12:00:00.250Z');
    expect(retryAfterSeconds(at('2025-03-01T12:15:00Z'), now)).toBe(900);
    expect(retryAfterSeconds(at('2025-03-01T12:00:00.300Z'), now)).toBe(1);
  });
});

describe('the handler API’s ban time', () => {
  it('is quoted, zero-padded, dashed between hour, minute and second, in UTC', () => {
    expect(handlerBanTime(at('2025-01-05T03:04:09.999Z'))).toBe("'2025-01-05 03-04-09'");
    expect(handlerBanTime(at('2025-12-31T23:59:59+02:00'))).toBe("'2025-12-31 21-59-59'");
  });
});
