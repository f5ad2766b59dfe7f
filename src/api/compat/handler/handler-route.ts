/**
 * /stubs/handler_api.php — the SMS-Activate handler protocol, so existing bots switch to numpool by
 * changing the host. GET or POST; parameters from the query string merged with a form body; the key as
 * api_key, "Authorization: ApiKey …" or X-ApiKey. Unknown parameters are ignored.
 *
 * Every answer is HTTP 200 with the protocol's plain text or JSON (errors as plain tokens), unless the
 * request says errors=json or the account chose JSON errors: then HeroSMS-style {"title","details"}.
 * Never a 500 or an HTML page: anything unexpected is ERROR_SQL, the protocol's word for it. The one
 * exception is the service's own refusals (rate limit, load shedding): HTTP 429 or 503 with Retry-After,
 * so clients that look at the status back off, and the token clients that do not look still retry on.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../../accounts/authenticate-api-key.ts';
import type { AppContext } from '../../../app-context.ts';
import { catalogVersion } from '../../../catalog/catalog-version.ts';
import { getUsdRate } from '../../../pricing/exchange-rate.ts';
import { principalForKey } from '../../plugins/api-key-auth.ts';
import { renderedBodiesOf } from '../../plugins/rendered-bodies.ts';
import type { RequestLimits } from '../../plugins/request-limits.ts';
import { actionWeight } from '../../plugins/request-weights.ts';
import { ACTIONS, type Params } from './handler-actions.ts';
import { toHandlerError } from './handler-errors.ts';
import { type Dialect, HandlerError, renderAnswer, sendError, sendJson, sendText } from './handler-reply.ts';

/** Query and form body merged; the query wins where both name a parameter. */
function paramsOf(request: FastifyRequest, withBody = true): Params {
  const merged: Params = {};
  const add = (source: unknown) => {
    if (!source || typeof source !== 'object') return;
    for (const [key, value] of Object.entries(source)) {
      const first = Array.isArray(value) ? value[0] : value;
      if (first !== undefined && first !== null) merged[key] = String(first).slice(0, 2048);
    }
  };
  if (withBody) add(request.body);
  add(request.query);
  return merged;
}

function keyOf(request: FastifyRequest, params: Params): string | undefined {
  if (params.api_key) return params.api_key.trim();
  const authorization = request.headers.authorization;
  const apiKey = authorization && /^ApiKey\s+(\S+)\s*$/i.exec(authorization)?.[1];
  if (apiKey) return apiKey;
  const header = request.headers['x-apikey'];
  return typeof header === 'string' && header.trim() ? header.trim() : undefined;
}

export const handlerApiRoutes: FastifyPluginAsync<{ ctx: AppContext; limits: RequestLimits }> = async (
  app,
  { ctx, limits },
) => {
  // Only form bodies carry parameters (parsed with the platform's URLSearchParams); any other body,
  // JSON included, is not read at all.
  const ignore = (
    _request: FastifyRequest,
    _body: string | Buffer,
    done: (error: null, body: undefined) => void,
  ) => done(null, undefined);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, ignore);
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );
  app.addContentTypeParser('*', { parseAs: 'string' }, ignore);
  const bodies = renderedBodiesOf(ctx.catalogCache);

  const handle = async (request: FastifyRequest, reply: FastifyReply, withBody = true) => {
    const params = paramsOf(request, withBody);
    let dialect: Dialect = params.errors === 'json' ? 'json' : 'plain';
    try {
      const name = params.action ?? '';
      const action = Object.hasOwn(ACTIONS, name) ? ACTIONS[name] : undefined;
      const key = keyOf(request, params);
      // A key used from outside its allowlist is answered exactly like a wrong key.
      const found = key ? await principalForKey(ctx, key, request.ip) : undefined;
      const principal = found === 'address' ? undefined : found;
      if (principal?.handlerJsonErrors && params.errors !== 'plain') dialect = 'json';
      request.principal = principal;
      // Counted before a bad or missing key is refused (key guessing spends the address's budget); a
      // request that will be refused costs one point, whatever it asked for.
      await limits.spend(request, reply, principal || action?.public ? actionWeight(name, params) : 1);
      if (key && !principal) throw new HandlerError('BAD_KEY', 'invalid API key');
      if (!action) {
        if (!principal && !key) throw new HandlerError('NO_KEY', 'api_key is required');
        throw new HandlerError('BAD_ACTION', `unknown action ${params.action ?? ''}`);
      }
      if (!principal && !action.public) throw new HandlerError('NO_KEY', 'api_key is required');
      // The protocol knows no "forbidden": a key that may not do this is, for this action, a bad key.
      if (principal && action.scope && !principal.scopes.includes(action.scope)) {
        throw new HandlerError('BAD_KEY', `this API key lacks the ${action.scope} scope`);
      }
      const run = () => action.run({ ctx, params, principal: principal as Principal });
      if (action.cached) {
        // Catalog lists (getPrices is 2.9 MB over a full pool) are rendered and compressed once per
        // catalog version; errors are never kept. getPrices at 64 connections: 2 → 67 req/s plain,
        // 1 → 43 req/s br (550 KB), same machine and load.
        const money = action.cached.money ? `usd:${(await getUsdRate({ ctx })).rate}` : '';
        const key = `handler|${name}|${money}|${action.cached.key(params)}`;
        const version = await catalogVersion({ ctx });
        return await bodies.send(request, reply, { version, key }, async () => renderAnswer(await run()));
      }
      const answer = await run();
      return 'text' in answer ? sendText(reply, answer.text) : sendJson(reply, answer.json);
    } catch (error) {
      const handlerError = toHandlerError(error);
      if (handlerError) return sendError(reply, dialect, handlerError);
      request.log.error({ err: error }, 'handler API failure');
      return sendError(
        reply,
        dialect,
        new HandlerError('ERROR_SQL', `internal error (request ${request.id})`),
      );
    }
  };

  // A refusal of the request's text (NUL characters) is answered in the protocol; a body Fastify itself
  // refuses (too large, unreadable) is ignored: the query alone is answered.
  app.setErrorHandler((error, request, reply) => {
    const dialect: Dialect = paramsOf(request, false).errors === 'json' ? 'json' : 'plain';
    const refused = toHandlerError(error);
    if (refused) return sendError(reply, dialect, refused);
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status < 500) return handle(request, reply, false);
    request.log.error({ err: error }, 'handler API failure');
    return sendError(reply, dialect, new HandlerError('ERROR_SQL', `internal error (request ${request.id})`));
  });

  app.get('/stubs/handler_api.php', { schema: { hide: true } }, handle);
  app.post('/stubs/handler_api.php', { schema: { hide: true } }, handle);
};
