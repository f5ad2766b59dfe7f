/**
 * Per-route API-key scopes: each route behind enforceRouteScopes names the scope it needs in its options
 * (`config: { scope: 'read' }`), and one onRequest hook — after authentication, before the body is read —
 * refuses a principal without it (403 FORBIDDEN). A route that names none fails at start, so no route is
 * ever open to every key by omission. Sessions hold every scope.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiScope } from '../../accounts/api-scopes.ts';
import { smscodeError } from './smscode-errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What an API key must allow to call this route. */
    scope?: ApiScope;
  }
}

/** Route options for a route needing `scope`. */
export const needs = (scope: ApiScope) => ({ config: { scope } });

export function enforceRouteScopes(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const scope = (route.config as { scope?: ApiScope } | undefined)?.scope;
    if (!scope) throw new Error(`${route.method} ${route.url} names no API-key scope`);
  });
  app.addHook('onRequest', async function routeScope(request: FastifyRequest, reply: FastifyReply) {
    const scope = request.routeOptions.config.scope;
    // Unauthenticated requests were answered already; unknown routes have no scope and answer 404.
    if (!scope || !request.principal) return;
    if (!request.principal.scopes.includes(scope))
      return smscodeError(reply, 'FORBIDDEN', `this API key lacks the ${scope} scope`);
  });
}
