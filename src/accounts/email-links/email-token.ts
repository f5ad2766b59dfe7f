/**
 * The tokens in verification and password-reset links: 32 random bytes, base64url. Only an HMAC of a
 * token under a key derived from NUMPOOL_SECRET is stored, so neither a copy of the table nor the power to
 * write rows into it yields a working link.
 */
import { createHmac, randomBytes } from 'node:crypto';

export type EmailTokenPurpose = 'verify' | 'reset';

/** How long a link works. */
export const EMAIL_TOKEN_TTL_MS: Record<EmailTokenPurpose, number> = {
  verify: 24 * 3_600_000,
  reset: 3_600_000,
};

/** The one answer for a token that is unknown, spent, superseded or expired. */
export const INVALID_LINK = 'the link is invalid or has expired';

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function generateEmailToken(): string {
  return randomBytes(32).toString('base64url');
}

export function isEmailTokenShape(value: string): boolean {
  return TOKEN_SHAPE.test(value);
}

export function hashEmailToken(secret: string, token: string): Buffer {
  const key = createHmac('sha256', secret).update('numpool email token').digest();
  return createHmac('sha256', key).update(token).digest();
}
