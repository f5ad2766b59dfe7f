/**
 * The one place where errors become SMSCode-contract responses (/v1, /v2 and the service endpoints).
 * Envelope: {"success":false,"error":{"code","message","details"?}}; codes and statuses are the contract's.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type DomainErrorCode, isDomainError } from '../../platform/errors.ts';
import { outageRefusal } from './service-refusal.ts';

export const SMSCODE_ERROR_CODES = [
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'VALIDATION_ERROR',
  'PROVIDER_ERROR',
  'NO_OFFER_AVAILABLE',
  'IDEMPOTENCY_KEY_REUSED',
  'INSUFFICIENT_BALANCE',
  'CONFLICT',
  'CANCEL_TOO_EARLY',
  'REQUEST_IN_PROGRESS',
  'RATE_LIMIT_EXCEEDED',
  'TEMP_BANNED_ABUSE_GUARD',
  'SERVICE_UNAVAILABLE',
  'FX_RATE_UNAVAILABLE',
  'INTERNAL_ERROR',
] as const;
export type SmscodeErrorCode = (typeof SMSCODE_ERROR_CODES)[number];

export const SMSCODE_STATUS: Record<SmscodeErrorCode, number> = {
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  VALIDATION_ERROR: 422,
  PROVIDER_ERROR: 422,
  NO_OFFER_AVAILABLE: 422,
  IDEMPOTENCY_KEY_REUSED: 422,
  INSUFFICIENT_BALANCE: 409,
  CONFLICT: 409,
  CANCEL_TOO_EARLY: 409,
  REQUEST_IN_PROGRESS: 409,
  RATE_LIMIT_EXCEEDED: 429,
  TEMP_BANNED_ABUSE_GUARD: 429,
  SERVICE_UNAVAILABLE: 503,
  FX_RATE_UNAVAILABLE: 503,
  INTERNAL_ERROR: 500,
};

function fromDomain(code: DomainErrorCode): SmscodeErrorCode {
  switch (code) {
    case 'UNAUTHORIZED':
    case 'FORBIDDEN':
    case 'NOT_FOUND':
    case 'VALIDATION_ERROR':
    case 'CONFLICT':
    case 'INSUFFICIENT_BALANCE':
    case 'SERVICE_UNAVAILABLE':
    case 'FX_RATE_UNAVAILABLE':
    case 'PROVIDER_ERROR':
    case 'NO_OFFER_AVAILABLE':
    case 'IDEMPOTENCY_KEY_REUSED':
    case 'REQUEST_IN_PROGRESS':
    case 'CANCEL_TOO_EARLY':
    case 'RATE_LIMIT_EXCEEDED':
    case 'TEMP_BANNED_ABUSE_GUARD':
      return code;
    // The contract has no code of its own for it: authenticated but not allowed to buy.
    case 'ACCOUNT_SUSPENDED':
      return 'FORBIDDEN';
    // The contract's throttle, like the daily cancel cap; details say the limit and when it resets.
    case 'SPEND_LIMIT_EXCEEDED':
      return 'RATE_LIMIT_EXCEEDED';
    default: {
      const unmapped: never = code;
      throw new Error(`unmapped domain error ${String(unmapped)}`);
    }
  }
}

export interface SmscodeErrorBody {
  success: false;
  error: { code: SmscodeErrorCode; message: string; details?: Record<string, unknown> };
}

export function smscodeError(
  reply: FastifyReply,
  code: SmscodeErrorCode,
  message: string,
  details?: Record<string, unknown>,
): FastifyReply {
  const body: SmscodeErrorBody = {
    success: false,
    error: { code, message, ...(details ? { details } : {}) },
  };
  const status = SMSCODE_STATUS[code];
  // 429 and 503 always say when to come back (whole seconds), as the SDKs expect.
  if (status === 429 || status === 503) {
    const hinted = Number(details?.retry_after_seconds);
    reply.header(
      'retry-after',
      String(Number.isInteger(hinted) && hinted >= 0 ? hinted : status === 429 ? 60 : 5),
    );
  }
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

/** Fastify's own request errors (validation, body parsing, size) in the contract's terms. */
function fromFastify(
  error: FastifyError,
): { code: SmscodeErrorCode; message: string } | 'too-large' | undefined {
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'too-large';
  if (error.validation)
    return {
      code: 'VALIDATION_ERROR',
      message: `${error.validationContext ?? 'request'} ${formatValidation(error)}`,
    };
  if (error.code?.startsWith('FST_ERR_CTP_') || error.statusCode === 400) {
    return { code: 'VALIDATION_ERROR', message: error.message };
  }
  // Any other client error a plugin raises (a static path outside its root is a 403) keeps its meaning.
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500)
    return { code: CLIENT_ERRORS[status] ?? 'VALIDATION_ERROR', message: error.message };
  return undefined;
}

const CLIENT_ERRORS: Record<number, SmscodeErrorCode> = {
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'NOT_FOUND',
  409: 'CONFLICT',
  429: 'RATE_LIMIT_EXCEEDED',
};

function formatValidation(error: FastifyError): string {
  const first = error.validation?.[0];
  if (!first) return 'is invalid';
  const where = first.instancePath ? first.instancePath.replace(/^\//, '').replaceAll('/', '.') : '';
  const missing = first.keyword === 'required' ? String(first.params.missingProperty) : '';
  const field = [where, missing].filter(Boolean).join('.');
  return field ? `${field}: ${first.message ?? 'is invalid'}` : (first.message ?? 'is invalid');
}

export function handleSmscodeError(thrown: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const outage = outageRefusal(thrown);
  if (outage) request.log.warn({ err: thrown }, 'a dependency is unavailable');
  const error = outage ?? thrown;
  if (isDomainError(error)) {
    return smscodeError(reply, fromDomain(error.code), error.message, error.details);
  }
  const mapped = fromFastify(error);
  // The contract answers an oversized body with a bare 413, before any handler and without an envelope.
  if (mapped === 'too-large')
    return reply.code(413).type('text/plain; charset=utf-8').send('Payload Too Large');
  if (mapped) return smscodeError(reply, mapped.code, mapped.message);
  request.log.error({ err: error }, 'unexpected error');
  return smscodeError(reply, 'INTERNAL_ERROR', `internal error (request ${request.id})`);
}

export function handleSmscodeNotFound(request: FastifyRequest, reply: FastifyReply) {
  return smscodeError(reply, 'NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`);
}
