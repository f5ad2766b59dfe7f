/**
 * The handler protocol surface, `/<persona>/stubs/handler_api.php`: one action-multiplexed endpoint, GET or
 * POST, parameters from the query string merged with a form body. Authentication comes before the action
 * (a missing key is reported even for unknown actions, as HeroSMS does); the json dialect serves the
 * catalog actions without a key, as HeroSMS does. Replies and errors are rendered per dialect.
 */
import type { IncomingHttpHeaders } from 'node:http';
import {
  getActiveActivations,
  getBalance,
  getFullSms,
  getNumber,
  getNumberV2,
  getStatus,
  getStatusV2,
  setStatus,
} from './handler-activation-actions.ts';
import {
  type ActionContext,
  getCountries,
  getNumbersStatus,
  getOperators,
  getPrices,
  getServicesList,
  type HandlerOutcome,
} from './handler-catalog-actions.ts';
import { renderHandlerError } from './handler-errors.ts';
import type { Reply } from './http-io.ts';
import type { Persona } from './persona.ts';

export const HANDLER_PATH = '/stubs/handler_api.php';

const ACTIONS: Readonly<Record<string, (ctx: ActionContext) => HandlerOutcome>> = {
  getBalance,
  getNumbersStatus,
  getPrices,
  getCountries,
  getServicesList,
  getOperators,
  getNumber,
  getNumberV2,
  getStatus,
  getStatusV2,
  getFullSms,
  setStatus,
  getActiveActivations,
};

const KEYLESS_IN_JSON_DIALECT = new Set(['getCountries', 'getServicesList', 'getOperators']);

/** Query parameters merged with an x-www-form-urlencoded body (the body wins on a clash). */
export function handlerParams(
  search: string,
  body: string,
  contentType: string | undefined,
): URLSearchParams {
  const params = new URLSearchParams(search);
  const isForm = contentType === undefined || contentType.includes('application/x-www-form-urlencoded');
  if (body.trim() !== '' && isForm) {
    for (const [key, value] of new URLSearchParams(body)) params.set(key, value);
  }
  return params;
}

/** The counter key for a request: its action, or a placeholder when it has none. */
export function handlerAction(params: URLSearchParams): string {
  return params.get('action')?.trim() || '(none)';
}

/** `api_key`, or the headers some clones also accept (`Authorization: ApiKey <key>`, `X-ApiKey`). */
function apiKey(params: URLSearchParams, headers: IncomingHttpHeaders): string | undefined {
  const fromQuery = params.get('api_key')?.trim();
  if (fromQuery) return fromQuery;
  const authorization = headers.authorization?.trim();
  const match = authorization ? /^ApiKey\s+(\S+)$/i.exec(authorization) : null;
  if (match) return match[1];
  const header = headers['x-apikey'];
  return typeof header === 'string' && header.trim() ? header.trim() : undefined;
}

export function handleHandlerRequest(
  persona: Persona,
  params: URLSearchParams,
  headers: IncomingHttpHeaders,
): Reply {
  const dialect = persona.config.dialect;
  const action = params.get('action')?.trim() ?? '';
  const keyless = dialect === 'json' && KEYLESS_IN_JSON_DIALECT.has(action);
  if (!keyless) {
    const key = apiKey(params, headers);
    if (key === undefined) return renderHandlerError(dialect, { error: 'NO_KEY' });
    if (key !== persona.config.credential) return renderHandlerError(dialect, { error: 'BAD_KEY' });
  }
  const run = Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : undefined;
  if (!run) return renderHandlerError(dialect, { error: 'BAD_ACTION' });
  const outcome = run({ persona, params });
  return 'error' in outcome ? renderHandlerError(dialect, outcome) : outcome;
}
