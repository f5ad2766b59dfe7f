import { type DomainErrorCode, isDomainError } from '../../../platform/errors.ts';
import { outageRefusal, REFUSAL_STATUS, ServiceRefusal } from '../../plugins/service-refusal.ts';
import { HandlerError, type HandlerToken } from './handler-reply.ts';
import { handlerBanTime } from './handler-values.ts';

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
    // Not BAD_KEY (the key is fine; clients would discard it) nor BANNED, which must carry the date the
    // ban ends (§1.6) and clients parse it: a suspension has no end date. ACCOUNT_INACTIVE is the clones'
    // code for this (§1.6); clients that do not know it report it as an error, verbatim.
    case 'ACCOUNT_SUSPENDED':
      return 'ACCOUNT_INACTIVE';
    case 'CONFLICT':
      return 'BAD_STATUS';
    case 'VALIDATION_ERROR':
    case 'IDEMPOTENCY_KEY_REUSED':
    case 'REQUEST_IN_PROGRESS':
      return 'BAD_ACTION';
    // The protocol has no throttle token (§1.6): clients read ERROR_SQL as a passing server-side failure
    // and retry later, where BAD_ACTION says the request is wrong and BANNED that the key is blocked.
    case 'TEMP_BANNED_ABUSE_GUARD':
      return 'BANNED';
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

export function toHandlerError(thrown: unknown): HandlerError | undefined {
  const error = outageRefusal(thrown) ?? thrown;
  if (error instanceof HandlerError) return error;
  if (error instanceof ServiceRefusal)
    return new HandlerError(tokenFor(error.code), error.message, undefined, {
      status: REFUSAL_STATUS[error.code],
      retryAfterSeconds: error.retryAfterSeconds,
    });
  if (isDomainError(error)) {
    // BANNED carries when the ban ends: BANNED:'2025-01-05 13-04-09'.
    const until = error.code === 'TEMP_BANNED_ABUSE_GUARD' ? error.details?.until : undefined;
    const value = typeof until === 'string' ? handlerBanTime(new Date(until)) : undefined;
    return new HandlerError(tokenFor(error.code), error.message, value);
  }
  return undefined;
}
