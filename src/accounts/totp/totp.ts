/**
 * TOTP (RFC 6238) as every authenticator app speaks it: SHA-1, 6 digits, 30-second steps. A code is taken
 * one step early or late (clock drift); the step it matched is returned so a caller can refuse any step at
 * or before the last one accepted (no code is good twice).
 */
import { Secret, TOTP } from 'otpauth';

const PERIOD = 30;
const DIGITS = 6;
const CODE_SHAPE = /^\d{6}$/;

export function generateTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export function totpUrl(secretBase32: string, accountEmail: string): string {
  return new TOTP({
    issuer: 'numpool',
    label: accountEmail,
    secret: Secret.fromBase32(secretBase32),
    algorithm: 'SHA1',
    digits: DIGITS,
    period: PERIOD,
  }).toString();
}

/** The time step this code belongs to (±1 around now), or undefined when it is not a valid code. */
export function matchTotpStep(secretBase32: string, code: string, now: Date): number | undefined {
  if (!CODE_SHAPE.test(code)) return undefined;
  const timestamp = now.getTime();
  const delta = TOTP.validate({
    token: code,
    secret: Secret.fromBase32(secretBase32),
    algorithm: 'SHA1',
    digits: DIGITS,
    period: PERIOD,
    timestamp,
    window: 1,
  });
  if (delta === null) return undefined;
  return TOTP.counter({ period: PERIOD, timestamp }) + delta;
}

/** The current code (tests, and the CLI an operator may use to check a secret). */
export function totpCodeAt(secretBase32: string, at: Date): string {
  return TOTP.generate({
    secret: Secret.fromBase32(secretBase32),
    algorithm: 'SHA1',
    digits: DIGITS,
    period: PERIOD,
    timestamp: at.getTime(),
  });
}
