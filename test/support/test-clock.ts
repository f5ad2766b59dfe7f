import type { Clock } from '../../src/platform/clock.ts';

/** A clock tests move by hand: timers (cancel window, expiry, cooldown) without sleeping. */
export class TestClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
