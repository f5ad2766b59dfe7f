/**
 * How handler-protocol answers are written: plain text or JSON, always HTTP 200 in the default dialect;
 * errors as plain tokens (default) or HeroSMS-style {"title","details"} with a status (opt-in). Success
 * bodies are defused so they never contain SQL, BANNED or BAD_KEY, which some clients substring-match.
 */
import type { FastifyReply } from 'fastify';

export type Dialect = 'plain' | 'json';

export const HANDLER_TOKENS = [
  'BAD_KEY',
  'NO_KEY',
  'BAD_ACTION',
  'BAD_SERVICE',
  'BAD_COUNTRY',
  'BAD_STATUS',
  'NO_NUMBERS',
  'NO_BALANCE',
  'NO_ACTIVATION',
  'EARLY_CANCEL_DENIED',
  'WRONG_MAX_PRICE',
  'NOT_AVAILABLE',
  'ACCOUNT_INACTIVE',
  'ERROR_SQL',
  'BANNED',
] as const;
export type HandlerToken = (typeof HANDLER_TOKENS)[number];

export class HandlerError extends Error {
  readonly token: HandlerToken;
  /** Appended after a colon, e.g. the minimum price of WRONG_MAX_PRICE. */
  readonly value: string | undefined;
  /** The service's own refusals (429, 503) keep their HTTP status and Retry-After in every dialect. */
  readonly refusal: { status: number; retryAfterSeconds: number } | undefined;
  constructor(
    token: HandlerToken,
    message: string,
    value?: string,
    refusal?: { status: number; retryAfterSeconds: number },
  ) {
    super(message);
    this.token = token;
    this.value = value;
    this.refusal = refusal;
  }
}

const JSON_STATUS: Record<HandlerToken, number> = {
  BAD_KEY: 401,
  NO_KEY: 422,
  NO_BALANCE: 402,
  NO_ACTIVATION: 404,
  EARLY_CANCEL_DENIED: 409,
  BAD_STATUS: 409,
  BAD_ACTION: 400,
  BAD_SERVICE: 400,
  BAD_COUNTRY: 400,
  WRONG_MAX_PRICE: 400,
  NOT_AVAILABLE: 400,
  ACCOUNT_INACTIVE: 403,
  NO_NUMBERS: 200,
  ERROR_SQL: 500,
  // HeroSMS answers a blocked account with 403 BANNED.
  BANNED: 403,
};

const FORBIDDEN_WORDS = /SQL|BANNED|BAD_KEY/gi;

/** Breaks the words some clients treat as errors anywhere in a body, without losing readability. */
export function defuse(text: string): string {
  return text.replace(FORBIDDEN_WORDS, (word) => `${word[0]}\u200b${word.slice(1)}`);
}

export function sendText(reply: FastifyReply, text: string): FastifyReply {
  return reply.code(200).type('text/plain; charset=utf-8').send(defuse(text));
}

export function sendJson(reply: FastifyReply, value: unknown): FastifyReply {
  return reply
    .code(200)
    .type('application/json; charset=utf-8')
    .send(defuse(JSON.stringify(value)));
}

/** A success answer as sendText or sendJson would write it, for answers kept rendered. */
export function renderAnswer(answer: { text: string } | { json: unknown }): {
  body: string;
  contentType: string;
} {
  return 'text' in answer
    ? { body: defuse(answer.text), contentType: 'text/plain; charset=utf-8' }
    : { body: defuse(JSON.stringify(answer.json)), contentType: 'application/json; charset=utf-8' };
}

export function sendError(reply: FastifyReply, dialect: Dialect, error: HandlerError): FastifyReply {
  const token = error.value === undefined ? error.token : `${error.token}:${error.value}`;
  if (error.refusal) reply.header('retry-after', String(error.refusal.retryAfterSeconds));
  // NO_NUMBERS stays plain text with 200 in every dialect, as HeroSMS does.
  if (dialect === 'plain' || error.token === 'NO_NUMBERS') {
    return reply
      .code(error.refusal?.status ?? 200)
      .type('text/plain; charset=utf-8')
      .send(token);
  }
  const title =
    error.token === 'NO_KEY'
      ? 'UNPROCESSABLE_ENTITY'
      : error.token === 'ERROR_SQL'
        ? 'SERVER_ERROR'
        : error.token;
  return reply
    .code(error.refusal?.status ?? JSON_STATUS[error.token])
    .type('application/json; charset=utf-8')
    .send(
      JSON.stringify({ title, details: error.value ? `${error.message} (${error.value})` : error.message }),
    );
}
