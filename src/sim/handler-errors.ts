/**
 * Handler-protocol errors in both dialects, mapped in one place. The plain dialect is the original
 * SMS-Activate: the token as plain text with HTTP 200. The json dialect is HeroSMS:
 * `{"title":TOKEN,"details":text}` with a 4xx status, a missing key as 422 UNPROCESSABLE_ENTITY, unknown
 * activations as 404 NOT_FOUND, yet NO_NUMBERS still as plain text 200 (as recorded live).
 */
import { json, type Reply, text } from './http-io.ts';

export type HandlerErrorCode =
  | 'NO_KEY'
  | 'BAD_KEY'
  | 'BAD_ACTION'
  | 'BAD_SERVICE'
  | 'BAD_COUNTRY'
  | 'BAD_OPERATOR'
  | 'BAD_STATUS'
  | 'WRONG_EXCEPTION_PHONE'
  | 'NO_NUMBERS'
  | 'NO_BALANCE'
  | 'NO_ACTIVATION'
  | 'WRONG_MAX_PRICE'
  | 'EARLY_CANCEL_DENIED'
  /** Cancel refused because an SMS already arrived. */
  | 'OTP_RECEIVED';

export interface HandlerFailure {
  error: HandlerErrorCode;
  /** WRONG_MAX_PRICE: the lowest price one can buy at. */
  minPrice?: string;
}

export function fail(error: HandlerErrorCode, minPrice?: string): HandlerFailure {
  return minPrice === undefined ? { error } : { error, minPrice };
}

export function renderHandlerError(dialect: 'plain' | 'json', failure: HandlerFailure): Reply {
  return dialect === 'plain' ? renderPlain(failure) : renderJson(failure);
}

function renderPlain(failure: HandlerFailure): Reply {
  switch (failure.error) {
    case 'WRONG_MAX_PRICE':
      return text(`WRONG_MAX_PRICE:${failure.minPrice ?? ''}`);
    // The original has no dedicated token for "an SMS came, you can only finish": it refuses the status.
    case 'OTP_RECEIVED':
      return text('BAD_STATUS');
    default:
      return text(failure.error);
  }
}

function renderJson(failure: HandlerFailure): Reply {
  const error = failure.error;
  switch (error) {
    case 'NO_NUMBERS':
      return text('NO_NUMBERS');
    case 'NO_KEY':
      return json(
        {
          title: 'UNPROCESSABLE_ENTITY',
          details: 'Validation failed',
          info: { field: 'api_key', code: 'REQUIRED', message: '' },
        },
        422,
      );
    case 'BAD_KEY':
      return json({ title: 'BAD_KEY', details: 'Invalid API key' }, 401);
    case 'NO_BALANCE':
      return json({ title: 'NO_BALANCE', details: 'Not enough funds on the balance' }, 402);
    case 'NO_ACTIVATION':
      return json({ title: 'NOT_FOUND', details: 'Activation Not Found' }, 404);
    case 'OTP_RECEIVED':
      return json({ title: 'OTP_RECEIVED', details: 'The code has already been received' }, 409);
    case 'EARLY_CANCEL_DENIED':
      return json({ title: 'EARLY_CANCEL_DENIED', details: 'The activation cannot be cancelled yet' }, 409);
    case 'WRONG_MAX_PRICE':
      return json(
        {
          title: 'WRONG_MAX_PRICE',
          details: `Max price is below the current price ${failure.minPrice ?? ''}`.trim(),
          info: { minPrice: failure.minPrice === undefined ? null : Number(failure.minPrice) },
        },
        409,
      );
    case 'BAD_ACTION':
      return json({ title: 'BAD_ACTION', details: 'Unknown action' }, 400);
    case 'BAD_STATUS':
      return json({ title: 'BAD_STATUS', details: 'This status cannot be set now' }, 400);
    case 'BAD_SERVICE':
      return json({ title: 'BAD_SERVICE', details: 'Unknown service' }, 422);
    case 'BAD_COUNTRY':
      return json({ title: 'BAD_COUNTRY', details: 'Unknown country' }, 422);
    case 'BAD_OPERATOR':
      return json({ title: 'BAD_OPERATOR', details: 'Unknown operator for this country' }, 422);
    case 'WRONG_EXCEPTION_PHONE':
      return json({ title: 'WRONG_EXCEPTION_PHONE', details: 'phoneException must be digit prefixes' }, 422);
  }
}
