import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { disableTotp } from '../../../accounts/totp/disable-totp.ts';
import { enableTotp } from '../../../accounts/totp/enable-totp.ts';
import { setUpTotp } from '../../../accounts/totp/set-up-totp.ts';
import type { AppContext } from '../../../app-context.ts';
import { csrfTokenFor } from '../../plugins/csrf.ts';
import { setSessionCookie } from '../../plugins/session-cookie.ts';
import { errorResponses, success } from '../smscode/schemas.ts';
import { browserSessionOf, userAgentOf } from './browser-session.ts';

const Code = Type.String({ maxLength: 64 });

/**
 * Two-factor sign-in with an authenticator app: set up (a secret to scan), enable (with a first code; the
 * recovery codes come back once, and the session is renewed), disable (password and a code).
 */
export const twoFactorRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const errors = errorResponses(401, 403, 409, 422, 429, 500, 503);

  app.post(
    '/2fa/setup',
    {
      schema: {
        tags: ['account'],
        summary: 'Start two-factor sign-in: a new TOTP secret for the authenticator app',
        response: {
          200: success(
            Type.Object(
              { secret: Type.String(), otpauth_url: Type.String() },
              { additionalProperties: false },
            ),
          ),
          ...errors,
        },
      },
    },
    async (request) => {
      const { accountId, actor } = browserSessionOf(request);
      const { secret, otpauthUrl } = await setUpTotp({ ctx, input: { accountId, actor } });
      return { success: true as const, data: { secret, otpauth_url: otpauthUrl } };
    },
  );

  app.post(
    '/2fa/enable',
    {
      schema: {
        tags: ['account'],
        summary: 'Turn two-factor sign-in on with a first code; returns the recovery codes once',
        body: Type.Object({ code: Code }, { additionalProperties: false }),
        response: {
          200: success(
            Type.Object(
              { recovery_codes: Type.Array(Type.String()), csrf_token: Type.String() },
              { additionalProperties: false },
            ),
          ),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const { accountId, actor } = browserSessionOf(request);
      const { recoveryCodes, session } = await enableTotp({
        ctx,
        input: { accountId, code: request.body.code, actor, userAgent: userAgentOf(request) },
      });
      setSessionCookie(reply, ctx.config, session);
      return {
        success: true as const,
        data: { recovery_codes: recoveryCodes, csrf_token: csrfTokenFor(reply, session.id) },
      };
    },
  );

  app.post(
    '/2fa/disable',
    {
      schema: {
        tags: ['account'],
        summary: 'Turn two-factor sign-in off (password and a current code or a recovery code)',
        body: Type.Object(
          { password: Type.String({ maxLength: 1024 }), code: Code },
          { additionalProperties: false },
        ),
        response: {
          200: success(Type.Object({ enabled: Type.Boolean() }, { additionalProperties: false })),
          ...errors,
        },
      },
    },
    async (request) => {
      const { accountId, actor } = browserSessionOf(request);
      await disableTotp({
        ctx,
        input: { accountId, password: request.body.password, code: request.body.code, actor },
      });
      return { success: true as const, data: { enabled: false } };
    },
  );
};
