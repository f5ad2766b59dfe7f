import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../../app-context.ts';
import { requireAccount } from '../../plugins/account-auth.ts';
import { requireCsrfForSessions } from '../../plugins/csrf.ts';
import type { RequestLimits } from '../../plugins/request-limits.ts';
import { abuseGuardRoutes } from './abuse-guard.ts';
import { loginRoutes } from './login.ts';
import { logoutRoutes } from './logout.ts';
import { oidcRoutes } from './oidc.ts';
import { passwordRoutes } from './password.ts';
import { sessionRoutes } from './session.ts';
import { sessionsRoutes } from './sessions.ts';
import { signUpRoutes } from './sign-up.ts';
import { twoFactorRoutes } from './two-factor.ts';

/**
 * The customer's own JSON API at /api, for the web app and scripts. Routes registered in `signedIn` need a
 * session cookie (with its CSRF token on state changes) or an API key; public ones (sign-up, login) do not.
 */
export const accountRoutes: FastifyPluginAsync<{ ctx: AppContext; limits: RequestLimits }> = async (
  app,
  { ctx, limits },
) => {
  await app.register(oidcRoutes, { ctx });
  await app.register(signUpRoutes, { ctx, limits });
  await app.register(loginRoutes, { ctx, limits });
  await app.register(async function signedIn(scope) {
    scope.addHook('onRequest', requireAccount(ctx, limits));
    scope.addHook('onRequest', requireCsrfForSessions);
    await scope.register(sessionRoutes, { ctx });
    await scope.register(sessionsRoutes, { ctx });
    await scope.register(logoutRoutes, { ctx });
    await scope.register(passwordRoutes, { ctx });
    await scope.register(twoFactorRoutes, { ctx });
    await scope.register(abuseGuardRoutes, { ctx });
  });
};
