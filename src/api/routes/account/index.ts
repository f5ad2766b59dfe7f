import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../../app-context.ts';
import { requireAccount, requireSession } from '../../plugins/account-auth.ts';
import { requireCsrfForSessions } from '../../plugins/csrf.ts';
import type { RequestLimits } from '../../plugins/request-limits.ts';
import { enforceRouteScopes } from '../../plugins/route-scopes.ts';
import { abuseGuardRoutes } from './abuse-guard.ts';
import { apiKeyRoutes } from './api-keys.ts';
import { loginRoutes } from './login.ts';
import { logoutRoutes } from './logout.ts';
import { oidcRoutes } from './oidc.ts';
import { passwordRoutes } from './password.ts';
import { sessionRoutes } from './session.ts';
import { sessionsRoutes } from './sessions.ts';
import { signUpRoutes } from './sign-up.ts';
import { topupRoutes } from './topups.ts';
import { twoFactorRoutes } from './two-factor.ts';

/**
 * The customer's own JSON API at /api, for the web app and scripts. Public routes (sign-up, login, OIDC);
 * routes for a session cookie (with its CSRF token on state changes) or an API key holding the route's
 * scope; and routes for a signed-in session only.
 */
export const accountRoutes: FastifyPluginAsync<{ ctx: AppContext; limits: RequestLimits }> = async (
  app,
  { ctx, limits },
) => {
  await app.register(oidcRoutes, { ctx });
  await app.register(signUpRoutes, { ctx, limits });
  await app.register(loginRoutes, { ctx, limits });
  const authenticate = (scope: FastifyInstance) => {
    scope.addHook('onRequest', requireAccount(ctx, limits));
    scope.addHook('onRequest', requireCsrfForSessions);
  };
  await app.register(async function withKeyOrSession(scope) {
    authenticate(scope);
    enforceRouteScopes(scope);
    await scope.register(sessionRoutes, { ctx });
    await scope.register(abuseGuardRoutes, { ctx });
    await scope.register(topupRoutes, { ctx });
  });
  // Managing sign-in and keys needs the person, not a key: a leaked key must not mint keys or lock out.
  await app.register(async function browserOnly(scope) {
    authenticate(scope);
    scope.addHook('onRequest', requireSession);
    await scope.register(sessionsRoutes, { ctx });
    await scope.register(logoutRoutes, { ctx });
    await scope.register(passwordRoutes, { ctx });
    await scope.register(twoFactorRoutes, { ctx });
    await scope.register(apiKeyRoutes, { ctx });
  });
};
