/**
 * Recovery codes: ten single-use codes of 16 random characters (80 bits) shown once when two-factor
 * sign-in is turned on. That much entropy makes a plain SHA-256 enough at rest (no slow hash needed); the
 * account id is hashed in so one precomputed table cannot serve every account.
 */
import { createHash, randomInt } from 'node:crypto';

// Crockford's base32, lowercase: no i, l, o, u to misread.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const LENGTH = 16;
export const RECOVERY_CODE_COUNT = 10;

/** A code as shown: four groups of four, such as 7k2m-q9xd-3hpr-0cwa. */
export function generateRecoveryCode(): string {
  let code = '';
  for (let i = 0; i < LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code.match(/.{4}/g)!.join('-');
}

/** The code as typed, without separators or case; undefined when it cannot be one. */
export function normalizeRecoveryCode(typed: string): string | undefined {
  const code = typed.toLowerCase().replace(/[\s-]/g, '');
  return code.length === LENGTH && [...code].every((c) => ALPHABET.includes(c)) ? code : undefined;
}

export function hashRecoveryCode(accountId: number, normalized: string): Buffer {
  return createHash('sha256').update(`${accountId}:${normalized}`).digest();
}
