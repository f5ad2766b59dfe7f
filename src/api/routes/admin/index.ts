import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../../app-context.ts';
import { requireAccount } from '../../plugins/account-auth.ts';
import { requireCsrfForSessions } from '../../plugins/csrf.ts';
import type { RequestLimits } from '../../plugins/request-limits.ts';
import { requireAdmin } from '../../plugins/require-admin.ts';
import { abuseGuardAdminRoutes } from './abuse-guard.ts';
import { accountAdminRoutes } from './accounts.ts';
import { auditAdminRoutes } from './audit.ts';
import { metricsRoutes } from './metrics.ts';
import { orderAdminRoutes } from './orders.ts';
import { paymentAdminRoutes } from './payments.ts';
import { pricingAdminRoutes } from './pricing.ts';
import { providerAdminRoutes } from './providers.ts';
import { topupAdminRoutes } from './topups.ts';

/** The operators' HTTP API at /admin/api: an admin account's API key or session only. */
export const adminRoutes: FastifyPluginAsync<{ ctx: AppContext; limits: RequestLimits }> = async (
  app,
  { ctx, limits },
) => {
  app.addHook('onRequest', requireAccount(ctx, limits));
  app.addHook('onRequest', requireAdmin);
  app.addHook('onRequest', requireCsrfForSessions);
  await app.register(providerAdminRoutes, { ctx });
  await app.register(pricingAdminRoutes, { ctx });
  await app.register(metricsRoutes, { ctx });
  await app.register(accountAdminRoutes, { ctx });
  await app.register(orderAdminRoutes, { ctx });
  await app.register(auditAdminRoutes, { ctx });
  await app.register(paymentAdminRoutes, { ctx });
  await app.register(topupAdminRoutes, { ctx });
  await app.register(abuseGuardAdminRoutes, { ctx });
};
