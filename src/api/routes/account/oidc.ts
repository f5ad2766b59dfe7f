import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { completeOidcLogin } from '../../../accounts/oidc/complete-oidc-login.ts';
import { OIDC_FLOW_SECONDS, startOidcLogin } from '../../../accounts/oidc/start-oidc-login.ts';
import type { AppContext } from '../../../app-context.ts';
import { sessionTokenOf, setSessionCookie } from '../../plugins/session-cookie.ts';
import { errorResponses, success } from '../smscode/schemas.ts';

const FLOW_COOKIE = 'numpool_oidc';

/**
 * "Sign in with …": GET /api/oidc/login redirects to the provider, which sends the browser back to
 * GET /api/oidc/callback; that opens a session and redirects to the page the user came from.
 */
export const oidcRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['account'];
  const flowCookie = {
    path: '/api/oidc',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: ctx.config.publicUrl.startsWith('https://'),
  };

  app.get(
    '/oidc',
    {
      schema: {
        tags,
        summary: 'Whether sign-in with an identity provider is offered',
        response: {
          200: success(Type.Object({ enabled: Type.Boolean() }, { additionalProperties: false })),
        },
      },
    },
    async () => ({ success: true as const, data: { enabled: ctx.config.oidc !== undefined } }),
  );

  app.get(
    '/oidc/login',
    {
      schema: {
        tags,
        summary: 'Start sign-in with the identity provider (redirect)',
        querystring: Type.Object({ return_to: Type.Optional(Type.String({ maxLength: 512 })) }),
        response: { ...errorResponses(404, 422, 503) },
      },
    },
    async (request, reply) => {
      const { url, flow } = await startOidcLogin({ ctx, input: { returnTo: request.query.return_to } });
      reply.setCookie(FLOW_COOKIE, flow, { ...flowCookie, maxAge: OIDC_FLOW_SECONDS });
      return reply.redirect(url, 302);
    },
  );

  app.get(
    '/oidc/callback',
    {
      schema: {
        tags,
        summary: 'Where the identity provider sends the browser back (redirect)',
        // The provider adds parameters of its own (iss, session_state…); openid-client checks them.
        querystring: Type.Object({}, { additionalProperties: Type.String({ maxLength: 4096 }) }),
        response: { ...errorResponses(401, 404, 422, 503) },
      },
    },
    async (request, reply) => {
      const result = await completeOidcLogin({
        ctx,
        input: {
          callbackUrl: new URL(request.url, ctx.config.publicUrl),
          flow: request.cookies[FLOW_COOKIE],
          previousSessionToken: sessionTokenOf(request),
          ip: request.ip,
          userAgent: request.headers['user-agent'],
          requestId: request.id,
        },
      });
      reply.clearCookie(FLOW_COOKIE, flowCookie);
      setSessionCookie(reply, ctx.config, result.session);
      return reply.redirect(result.returnTo, 302);
    },
  );
};
