import { DomainError } from '../platform/errors.ts';
export type AccountRole = 'customer' | 'admin';

export interface Account {
  id: number;
  email: string;
  role: AccountRole;
  /** Cannot authenticate at all. */
  disabledAt: Date | null;
  /** Signs in and reads, but cannot buy (see suspend-account.ts). */
  suspendedAt: Date | null;
  suspendedReason: string | null;
  createdAt: Date;
  /** When the account proved it reads its mailbox; operator-made accounts count as verified. */
  emailVerifiedAt: Date | null;
}

export const ACCOUNT_COLUMNS = `id, email, role, disabled_at AS "disabledAt", suspended_at AS "suspendedAt",
  suspended_reason AS "suspendedReason", created_at AS "createdAt", email_verified_at AS "emailVerifiedAt"`;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+$/;

export function isEmailShape(email: string): boolean {
  return EMAIL_SHAPE.test(email) && email.length <= 254;
}

/** An address as typed, normalized; one that is not shaped like an address is a VALIDATION_ERROR. */
export function checkedEmail(raw: string): string {
  const email = normalizeEmail(raw);
  if (!isEmailShape(email)) throw new DomainError('VALIDATION_ERROR', 'email is not a valid address');
  return email;
}
