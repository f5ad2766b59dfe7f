import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { findAccount } from '../../../accounts/find-account.ts';
import { isTotpEnabled } from '../../../accounts/totp/is-totp-enabled.ts';
import type { AppContext } from '../../../app-context.ts';
import { principalOf } from '../../plugins/api-key-auth.ts';
import { csrfTokenFor } from '../../plugins/csrf.ts';
import { needs } from '../../plugins/route-scopes.ts';
import { errorResponses, Nullable, success } from '../smscode/schemas.ts';

const Session = Type.Object(
  {
    account: Type.Object(
      {
        id: Type.Integer(),
        email: Type.String(),
        role: Type.String(),
        email_verified: Type.Boolean({ description: 'whether the address was proven by a mailed link' }),
        two_factor_enabled: Type.Boolean({ description: 'whether login asks for an authenticator code' }),
      },
      { additionalProperties: false },
    ),
    csrf_token: Nullable(Type.String({ description: 'send as X-CSRF-Token on state-changing requests' })),
  },
  { additionalProperties: false },
);

/** Who is signed in, and the CSRF token their pages send back (null when authenticated by API key). */
export const sessionRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/session',
    {
      ...needs('read'),
      schema: {
        tags: ['account'],
        summary: 'The signed-in account and its CSRF token',
        response: { 200: success(Session), ...errorResponses(401, 500) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const [account, twoFactorEnabled] = await Promise.all([
        findAccount({ ctx, input: { ref: String(principal.accountId) } }),
        isTotpEnabled({ ctx, input: { accountId: principal.accountId } }),
      ]);
      return {
        success: true as const,
        data: {
          account: {
            id: account.id,
            email: account.email,
            role: account.role,
            email_verified: account.emailVerifiedAt !== null,
            two_factor_enabled: twoFactorEnabled,
          },
          csrf_token: principal.sessionId === undefined ? null : csrfTokenFor(reply, principal.sessionId),
        },
      };
    },
  );
};
