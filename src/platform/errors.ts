/**
 * The closed set of domain error codes. Domain verbs throw DomainError; each surface maps codes to its
 * own wire format in one place (api/plugins/error-mapper.ts for /v1 and /v2).
 */
export const DOMAIN_ERROR_CODES = [
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'VALIDATION_ERROR',
  'CONFLICT',
  'INSUFFICIENT_BALANCE',
  'SERVICE_UNAVAILABLE',
  'FX_RATE_UNAVAILABLE',
  'PROVIDER_ERROR',
  'NO_OFFER_AVAILABLE',
  'IDEMPOTENCY_KEY_REUSED',
  'REQUEST_IN_PROGRESS',
  'CANCEL_TOO_EARLY',
  'RATE_LIMIT_EXCEEDED',
  /** An operator suspended the account: it may read, not buy. */
  'ACCOUNT_SUSPENDED',
  /** Creating orders is blocked for a while (abuse/); details = {until, tier, retry_after_seconds}. */
  'TEMP_BANNED_ABUSE_GUARD',
  /** An API key's daily spend limit: a throttle on the SMSCode surfaces, "no money" on the handler API. */
  'SPEND_LIMIT_EXCEEDED',
] as const;

export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: DomainErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
