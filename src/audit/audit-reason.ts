import { DomainError } from '../platform/errors.ts';

/** An operator's reason for an audited action (kept on the record and in the audit log), trimmed. */
export function auditReason(reason: string): string {
  const trimmed = reason.trim();
  if (trimmed.length < 1 || trimmed.length > 500) {
    throw new DomainError('VALIDATION_ERROR', 'reason must be 1-500 characters');
  }
  return trimmed;
}
