import { type DomainErrorCode, isDomainError } from '../../../platform/errors.ts';
import { HandlerError, type HandlerToken } from './handler-reply.ts';

/** The one mapping from domain errors to handler-protocol tokens. */
function tokenFor(code: DomainErrorCode): HandlerToken {
  switch (code) {
    case 'UNAUTHORIZED':
    case 'FORBIDDEN':
      return 'BAD_KEY';
    case 'NOT_FOUND':
      return 'NO_ACTIVATION';
    case 'INSUFFICIENT_BALANCE':
      return 'NO_BALANCE';
    case 'NO_OFFER_AVAILABLE':
    case 'PROVIDER_ERROR':
      return 'NO_NUMBERS';
    case 'CANCEL_TOO_EARLY':
      return 'EARLY_CANCEL_DENIED';
    case 'CONFLICT':
      return 'BAD_STATUS';
    case 'VALIDATION_ERROR':
    case 'IDEMPOTENCY_KEY_REUSED':
    case 'REQUEST_IN_PROGRESS':
    case 'RATE_LIMIT_EXCEEDED':
      return 'BAD_ACTION';
    case 'SERVICE_UNAVAILABLE':
    case 'FX_RATE_UNAVAILABLE':
      return 'ERROR_SQL';
    default: {
      const unmapped: never = code;
      throw new Error(`unmapped domain error ${String(unmapped)}`);
    }
  }
}

export function toHandlerError(error: unknown): HandlerError | undefined {
  if (error instanceof HandlerError) return error;
  if (isDomainError(error)) return new HandlerError(tokenFor(error.code), error.message);
  return undefined;
}
