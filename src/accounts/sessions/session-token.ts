/** Session tokens: 32 random bytes, base64url in the cookie; only their SHA-256 is stored. */
import { createHash, randomBytes } from 'node:crypto';

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function generateSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function isSessionTokenShape(value: string): boolean {
  return TOKEN_SHAPE.test(value);
}

export function hashSessionToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
