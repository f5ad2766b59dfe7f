import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../../app-context.ts';
import { requireAccount } from '../../plugins/account-auth.ts';
import { requireCsrfForSessions } from '../../plugins/csrf.ts';
import type { RequestLimits } from '../../plugins/request-limits.ts';
import { enforceRouteScopes } from '../../plugins/route-scopes.ts';
import { catalogRoutes } from './catalog.ts';
import { orderRoutes } from './orders.ts';
import type { ApiVersion } from './schemas.ts';
import { streamRoutes } from './stream.ts';
import { webhookRoutes } from './webhook.ts';

/**
 * The SMSCode-contract surface, mounted at /v1 and at /v2: an API key as Bearer, as the contract says; the
 * web app's signed-in pages use the same routes with their session cookie and CSRF token.
 */
export const smscodeRoutes: FastifyPluginAsync<{
  ctx: AppContext;
  limits: RequestLimits;
  version: ApiVersion;
}> = async (app, { ctx, limits, version }) => {
  app.addHook('onRequest', requireAccount(ctx, limits));
  app.addHook('onRequest', requireCsrfForSessions);
  enforceRouteScopes(app);
  await app.register(catalogRoutes, { ctx, version });
  await app.register(orderRoutes, { ctx, version });
  await app.register(webhookRoutes, { ctx });
  if (version === 'v2') await app.register(streamRoutes, { ctx });
};
