import { DomainError } from '../platform/errors.ts';

export const PASSWORD_MIN_LENGTH = 8;
/** Long passphrases are welcome; past this, hashing only costs the server. */
export const PASSWORD_MAX_LENGTH = 256;

/** Throws VALIDATION_ERROR when a new password is too short, too long, or the account's own address. */
export function checkNewPassword(password: string, email: string): void {
  // Counted in characters, not UTF-16 units: an emoji is one character.
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH)
    throw new DomainError(
      'VALIDATION_ERROR',
      `password must have at least ${PASSWORD_MIN_LENGTH} characters`,
    );
  if (length > PASSWORD_MAX_LENGTH)
    throw new DomainError('VALIDATION_ERROR', `password must have at most ${PASSWORD_MAX_LENGTH} characters`);
  if (password.trim().toLowerCase() === email.trim().toLowerCase())
    throw new DomainError('VALIDATION_ERROR', 'password must not be the email address');
}
