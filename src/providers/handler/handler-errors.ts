/**
 * What a handler-protocol provider means by an error, whichever way it says it. The original SMS-Activate
 * and the "vanilla" clones send plain tokens with HTTP 200 (`NO_BALANCE`, `WRONG_MAX_PRICE:0.025`);
 * HeroSMS-style clones send `{"title":"<TOKEN>","details":…}` with a 4xx, yet still `NO_NUMBERS` as plain
 * 200; some actions use `{"status":"error","error":…}`. One tolerant decoder reads them all, because
 * clones mix the forms and a misread error is worse than an extra branch.
 */
import { ProviderError, type ProviderErrorKind } from '../port.ts';
import type { HttpReply } from '../transport/http-get.ts';
import { isRecord, type JsonParse, parseJson, snippet } from '../transport/wire-values.ts';

const KIND_BY_TOKEN: ReadonlyMap<string, ProviderErrorKind> = new Map<string, ProviderErrorKind>([
  ['NO_NUMBERS', 'NO_NUMBERS'],
  // Our account's limit of open activations at this provider: try another one, as with no stock.
  ['CHANNELS_LIMIT', 'NO_NUMBERS'],
  ['SERVICE_NOT_AVAILABLE', 'NO_NUMBERS'],
  ['NO_BALANCE', 'NO_BALANCE'],
  ['LOW_BALANCE', 'NO_BALANCE'],
  ['NO_MONEY', 'NO_BALANCE'],
  ['NO_BALANCE_FORWARD', 'NO_BALANCE'],
  ['BAD_KEY', 'BAD_KEY'],
  ['NO_KEY', 'BAD_KEY'],
  ['BANNED', 'BAD_KEY'],
  ['ACCOUNT_INACTIVE', 'BAD_KEY'],
  ['BAD_ACTION', 'BAD_REQUEST'],
  ['BAD_SERVICE', 'BAD_REQUEST'],
  ['BAD_STATUS', 'BAD_REQUEST'],
  ['BAD_COUNTRY', 'BAD_REQUEST'],
  ['BAD_OPERATOR', 'BAD_REQUEST'],
  ['MAX_PRICE_EXCEEDED', 'BAD_REQUEST'],
  ['NOT_AVAILABLE', 'BAD_REQUEST'],
  ['REPEAT_ADDITIONAL_SERVICE', 'BAD_REQUEST'],
  ['NO_ACTIVATION', 'NOT_FOUND'],
  ['NO_ACTIVATIONS', 'NOT_FOUND'],
  ['NOT_FOUND', 'NOT_FOUND'],
  ['WRONG_ACTIVATION_ID', 'NOT_FOUND'],
  ['OPERATORS_NOT_FOUND', 'NOT_FOUND'],
  ['EARLY_CANCEL_DENIED', 'EARLY_CANCEL'],
  ['OTP_RECEIVED', 'CONFLICT'],
  ['NEW_OTP_RECEIVED', 'CONFLICT'],
  ['FREE_CANCELLATION_EXPIRED', 'CONFLICT'],
  ['ACTIVATION_NOT_ACTIVE', 'CONFLICT'],
  ['ORDER_ALREADY_EXISTS', 'CONFLICT'],
  ['ERROR_SQL', 'UNAVAILABLE'],
  ['SQL_ERROR', 'UNAVAILABLE'],
  ['SERVER_ERROR', 'UNAVAILABLE'],
]);

/** The kind for a provider token, or undefined when the token is not a known error. */
export function handlerErrorKind(token: string): ProviderErrorKind | undefined {
  const known = KIND_BY_TOKEN.get(token);
  if (known) return known;
  if (token.startsWith('WRONG_')) return 'BAD_REQUEST';
  if (token.includes('SQL')) return 'UNAVAILABLE';
  return undefined;
}

/** What an HTTP status alone says when the body names no known token. */
function kindByStatus(status: number): ProviderErrorKind {
  if (status === 429 || status >= 500) return 'UNAVAILABLE';
  if (status === 401 || status === 403) return 'BAD_KEY';
  if (status === 402) return 'NO_BALANCE';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 400 || status === 422) return 'BAD_REQUEST';
  return 'PROTOCOL';
}

interface NamedError {
  token: string;
  /** The rest of the plain line (`WRONG_MAX_PRICE:0.025` → "0.025") or the JSON details. */
  detail: string;
  /** Undefined for an error envelope naming a token we do not know: the HTTP status decides then. */
  kind: ProviderErrorKind | undefined;
}

/** A successful reply: the trimmed text, and its JSON when it was JSON (parsed once; price lists are big). */
export interface HandlerBody {
  text: string;
  json: JsonParse;
}

/**
 * Throws the ProviderError a reply stands for, or returns the body of a successful reply for the action's
 * own parser (which turns anything it cannot read into PROTOCOL).
 */
export function decodeHandlerReply(reply: HttpReply, label: string): HandlerBody {
  const body = reply.body.trim();
  const json: JsonParse = body.startsWith('{') || body.startsWith('[') ? parseJson(body) : { ok: false };
  const named = json.ok ? namedJsonError(json.value) : namedPlainError(body);
  if (reply.status === 429 || reply.status >= 500) {
    const code = named?.token;
    throw new ProviderError('UNAVAILABLE', `${label}: HTTP ${reply.status} ${snippet(body)}`.trim(), {
      providerCode: code,
    });
  }
  const ok = reply.status >= 200 && reply.status <= 299;
  if (named) {
    const detail = named.detail ? ` (${snippet(named.detail)})` : '';
    const kind = named.kind ?? (ok ? 'PROTOCOL' : kindByStatus(reply.status));
    throw new ProviderError(kind, `${label}: ${named.token}${detail}`, { providerCode: named.token });
  }
  if (!ok) {
    throw new ProviderError(
      kindByStatus(reply.status),
      `${label}: HTTP ${reply.status} ${snippet(body)}`.trim(),
    );
  }
  return { text: body, json };
}

function namedPlainError(body: string): NamedError | undefined {
  const match = /^([A-Z][A-Z0-9_]*)(?::(.*))?$/s.exec(body);
  if (!match) return undefined;
  const token = match[1]!;
  const kind = handlerErrorKind(token);
  return kind ? { token, detail: (match[2] ?? '').replace(/^'|'$/g, ''), kind } : undefined;
}

/** `{"title","details"}` (HeroSMS), `{"status":"error","error"|"message"}`, `{"status":"false","msg"}`. */
function namedJsonError(json: unknown): NamedError | undefined {
  if (!isRecord(json)) return undefined;
  if (typeof json.title === 'string' && json.title.trim()) {
    const token = json.title.trim();
    const detail = typeof json.details === 'string' ? json.details : '';
    if (token === 'UNPROCESSABLE_ENTITY') {
      // HeroSMS answers a missing api_key this way (even before looking at the action).
      const field = isRecord(json.info) ? json.info.field : undefined;
      const kind = field === undefined || field === 'api_key' ? 'BAD_KEY' : 'BAD_REQUEST';
      return { token, detail, kind };
    }
    return { token, detail, kind: handlerErrorKind(token) };
  }
  const status = json.status;
  if (status !== 'error' && status !== 'false' && status !== false && status !== 'fail') return undefined;
  const said = [json.error, json.message, json.msg].find((v): v is string => typeof v === 'string') ?? '';
  const token = said.trim();
  const kind = handlerErrorKind(token);
  if (kind) return { token, detail: '', kind };
  // `{"status":"false","msg":"service is incorrect"}`: the provider refused a parameter.
  return {
    token: token || 'ERROR',
    detail: '',
    kind: /incorrect|invalid|wrong|bad/i.test(token) ? 'BAD_REQUEST' : undefined,
  };
}
