/**
 * What 5SIM means by an error. 5SIM answers errors as short plain-text bodies ("no free phones",
 * "order not found"), sometimes with HTTP 200, so — as PyFiveSim does — a 200 whose body is not JSON is
 * an error: a known text maps to its kind, anything else is PROTOCOL. 401/403 carry no useful body.
 */
import { ProviderError, type ProviderErrorKind } from '../port.ts';
import type { HttpReply } from '../transport/http-get.ts';
import { snippet } from '../transport/wire-values.ts';

const KIND_BY_TEXT: ReadonlyArray<readonly [string, ProviderErrorKind]> = [
  ['no free phones', 'NO_NUMBERS'],
  ['not enough user balance', 'NO_BALANCE'],
  // A rating at 0 blocks the account for 24 h: an account-level refusal, like a bad key.
  ['not enough rating', 'BAD_KEY'],
  ['order not found', 'NOT_FOUND'],
  ['record not found', 'NOT_FOUND'],
  ['order has sms', 'CONFLICT'],
  ['order no sms', 'CONFLICT'],
  ['order expired', 'CONFLICT'],
  ['can not be canceled', 'EARLY_CANCEL'],
  ['cannot be canceled', 'EARLY_CANCEL'],
  ['can not be cancelled', 'EARLY_CANCEL'],
  ['cannot be cancelled', 'EARLY_CANCEL'],
  ['hosting order', 'BAD_REQUEST'],
  ['reuse not possible', 'BAD_REQUEST'],
  ['country is incorrect', 'BAD_REQUEST'],
  ['product is incorrect', 'BAD_REQUEST'],
  ['operator is incorrect', 'BAD_REQUEST'],
  ['no product', 'BAD_REQUEST'],
  ['server offline', 'UNAVAILABLE'],
  ['internal error', 'UNAVAILABLE'],
];

/** Longer bodies are not error texts (HTML pages, garbage): never guess a kind from them. */
const MAX_ERROR_TEXT = 200;

/** The kind for a 5SIM error text (case-insensitive), or undefined when it is not one. */
export function fivesimErrorKind(text: string): ProviderErrorKind | undefined {
  const said = text.trim().toLowerCase();
  if (said === '' || said.length > MAX_ERROR_TEXT) return undefined;
  for (const [phrase, kind] of KIND_BY_TEXT) if (said.includes(phrase)) return kind;
  // "bad country", "bad operator", "select country", "select operator", "max price is too low"…
  if (/^(bad|select|wrong|invalid) /.test(said) || /\bis (incorrect|invalid)\b/.test(said))
    return 'BAD_REQUEST';
  if (/\bprice\b/.test(said)) return 'BAD_REQUEST';
  return undefined;
}

function kindByStatus(status: number): ProviderErrorKind {
  if (status === 401 || status === 403) return 'BAD_KEY';
  if (status === 429 || status >= 500) return 'UNAVAILABLE';
  if (status === 402) return 'NO_BALANCE';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 400 || status === 422) return 'BAD_REQUEST';
  return 'PROTOCOL';
}

/** The error a non-2xx reply stands for. */
export function fivesimStatusError(reply: HttpReply, label: string): ProviderError {
  const text = reply.body.trim();
  // Credentials and overload are decided by the status; the body then only adds detail.
  const byStatus = kindByStatus(reply.status);
  const kind =
    byStatus === 'BAD_KEY' || byStatus === 'UNAVAILABLE' ? byStatus : (fivesimErrorKind(text) ?? byStatus);
  return new ProviderError(kind, `${label}: HTTP ${reply.status} ${snippet(text)}`.trim(), {
    providerCode: fivesimErrorKind(text) ? text.toLowerCase() : undefined,
  });
}

/** The error a 2xx reply that is not JSON stands for: a known text, or PROTOCOL. */
export function fivesimTextError(text: string, label: string): ProviderError {
  const kind = fivesimErrorKind(text);
  if (kind)
    return new ProviderError(kind, `${label}: ${snippet(text)}`, { providerCode: text.trim().toLowerCase() });
  return new ProviderError('PROTOCOL', `${label}: expected JSON, got ${JSON.stringify(snippet(text))}`);
}
