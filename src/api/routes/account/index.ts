import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../../app-context.ts';
import type { RequestLimits } from '../../plugins/request-limits.ts';

/**
 * The customer's own JSON API at /api, for the web app and scripts: sign-up and sessions (public routes),
 * and, once authenticated by session or key, the account's keys, settings and history.
 */
export const accountRoutes: FastifyPluginAsync<{ ctx: AppContext; limits: RequestLimits }> = async (
  _app,
  _options,
) => {};
