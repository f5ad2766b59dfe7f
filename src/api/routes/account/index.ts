import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../../app-context.ts';
import { requireAccount } from '../../plugins/account-auth.ts';
import { requireCsrfForSessions } from '../../plugins/csrf.ts';
import type { RequestLimits } from '../../plugins/request-limits.ts';
import { apiKeyRoutes } from './api-keys.ts';
import { sessionRoutes } from './session.ts';

/**
 * The customer's own JSON API at /api, for the web app and scripts. Routes registered in `signedIn` need a
 * session cookie (with its CSRF token on state changes) or an API key; public ones (sign-up, login) do not.
 */
export const accountRoutes: FastifyPluginAsync<{ ctx: AppContext; limits: RequestLimits }> = async (
  app,
  { ctx, limits },
) => {
  await app.register(async function signedIn(scope) {
    scope.addHook('onRequest', requireAccount(ctx, limits));
    scope.addHook('onRequest', requireCsrfForSessions);
    await scope.register(sessionRoutes, { ctx });
    await scope.register(apiKeyRoutes, { ctx });
  });
};
