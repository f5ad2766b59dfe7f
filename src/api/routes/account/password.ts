import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { changePassword } from '../../../accounts/change-password.ts';
import type { AppContext } from '../../../app-context.ts';
import { csrfTokenFor } from '../../plugins/csrf.ts';
import { setSessionCookie } from '../../plugins/session-cookie.ts';
import { errorResponses, success } from '../smscode/schemas.ts';
import { browserSessionOf, userAgentOf } from './browser-session.ts';

/** Changing the password: every session ends; this browser gets a new one (cookie and CSRF token). */
export const passwordRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.post(
    '/password',
    {
      schema: {
        tags: ['account'],
        summary: 'Change the password (other sessions end)',
        body: Type.Object(
          {
            current_password: Type.String({ maxLength: 1024 }),
            new_password: Type.String({ minLength: 8, maxLength: 1024 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: success(Type.Object({ csrf_token: Type.String() }, { additionalProperties: false })),
          ...errorResponses(401, 403, 422, 429, 500, 503),
        },
      },
    },
    async (request, reply) => {
      const { accountId, actor } = browserSessionOf(request);
      const session = await changePassword({
        ctx,
        input: {
          accountId,
          currentPassword: request.body.current_password,
          newPassword: request.body.new_password,
          actor,
          userAgent: userAgentOf(request),
        },
      });
      setSessionCookie(reply, ctx.config, session);
      return { success: true as const, data: { csrf_token: csrfTokenFor(reply, session.id) } };
    },
  );
};
