import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../../app-context.ts';
import { requireApiKey } from '../../plugins/api-key-auth.ts';
import type { RequestLimits } from '../../plugins/request-limits.ts';
import { enforceRouteScopes } from '../../plugins/route-scopes.ts';
import { catalogRoutes } from './catalog.ts';
import { orderRoutes } from './orders.ts';
import type { ApiVersion } from './schemas.ts';
import { streamRoutes } from './stream.ts';
import { webhookRoutes } from './webhook.ts';

/** The SMSCode-contract surface, mounted at /v1 and at /v2. */
export const smscodeRoutes: FastifyPluginAsync<{
  ctx: AppContext;
  limits: RequestLimits;
  version: ApiVersion;
}> = async (app, { ctx, limits, version }) => {
  app.addHook('onRequest', requireApiKey(ctx, limits));
  enforceRouteScopes(app);
  await app.register(catalogRoutes, { ctx, version });
  await app.register(orderRoutes, { ctx, version });
  await app.register(webhookRoutes, { ctx });
  if (version === 'v2') await app.register(streamRoutes, { ctx });
};
