import { type DomainErrorCode, isDomainError } from '../../../platform/errors.ts';
import { REFUSAL_STATUS, ServiceRefusal } from '../../plugins/service-refusal.ts';
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
    // The key may not spend more today: to a bot, the same as an empty wallet.
    case 'SPEND_LIMIT_EXCEEDED':
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
      return 'BAD_ACTION';
    // The protocol has no throttle token (§1.6): clients read ERROR_SQL as a passing server-side failure
    // and retry later, where BAD_ACTION says the request is wrong and BANNED that the key is blocked.
    case 'RATE_LIMIT_EXCEEDED':
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
  if (error instanceof ServiceRefusal)
    return new HandlerError(tokenFor(error.code), error.message, undefined, {
      status: REFUSAL_STATUS[error.code],
      retryAfterSeconds: error.retryAfterSeconds,
    });
  if (isDomainError(error)) return new HandlerError(tokenFor(error.code), error.message);
  return undefined;
}
