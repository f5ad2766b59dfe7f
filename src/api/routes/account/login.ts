import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { logIn } from '../../../accounts/log-in.ts';
import type { AppContext } from '../../../app-context.ts';
import { csrfTokenFor } from '../../plugins/csrf.ts';
import type { RequestLimits } from '../../plugins/request-limits.ts';
import { sessionTokenOf, setSessionCookie } from '../../plugins/session-cookie.ts';
import { errorResponses, success } from '../smscode/schemas.ts';
import { userAgentOf } from './browser-session.ts';

// Bounds keep a hostile body from costing more than one argon2 run; anything inside them is just wrong.
const Credentials = Type.Object(
  {
    email: Type.String({ maxLength: 320 }),
    password: Type.String({ maxLength: 1024 }),
    totp_code: Type.Optional(Type.String({ maxLength: 64 })),
    recovery_code: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

export const SignedIn = Type.Object(
  {
    account: Type.Object(
      { id: Type.Integer(), email: Type.String(), role: Type.String() },
      { additionalProperties: false },
    ),
    csrf_token: Type.String({ description: 'send as X-CSRF-Token on state-changing requests' }),
  },
  { additionalProperties: false },
);

/**
 * POST /api/login: a new session (never the one the browser had: that one ends), its cookie, and the CSRF
 * token. One 401 for every wrong credential; 401 with details.mfa_required once the password was right but
 * the second factor is missing or wrong; 429 while the account or address is throttled.
 */
export const loginRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext; limits: RequestLimits }> = async (
  app,
  { ctx, limits },
) => {
  app.post(
    '/login',
    {
      onRequest: async (request, reply) => limits.spend(request, reply, 1),
      schema: {
        tags: ['account'],
        summary: 'Log in with email and password (and a second factor when the account has one)',
        body: Credentials,
        response: { 200: success(SignedIn), ...errorResponses(401, 422, 429, 500, 503) },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const { account, session } = await logIn({
        ctx,
        input: {
          email: b.email,
          password: b.password,
          totpCode: b.totp_code,
          recoveryCode: b.recovery_code,
          ip: request.ip,
          userAgent: userAgentOf(request),
          requestId: request.id,
          previousToken: sessionTokenOf(request),
        },
      });
      setSessionCookie(reply, ctx.config, session);
      return { success: true as const, data: { account, csrf_token: csrfTokenFor(reply, session.id) } };
    },
  );
};
