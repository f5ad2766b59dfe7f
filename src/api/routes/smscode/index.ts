import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { requireApiKey } from '../../plugins/api-key-auth.ts';
import { catalogRoutes } from './catalog.ts';

/** The SMSCode-contract surface, mounted at /v1 and at /v2. */
export const smscodeRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', requireApiKey(ctx));
  await app.register(catalogRoutes, { ctx });
};
