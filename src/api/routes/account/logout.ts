import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { logOut, logOutEverywhere } from '../../../accounts/sessions/log-out.ts';
import type { AppContext } from '../../../app-context.ts';
import { clearSessionCookie } from '../../plugins/session-cookie.ts';
import { errorResponses, success } from '../smscode/schemas.ts';
import { browserSessionOf } from './browser-session.ts';

const LoggedOut = Type.Object({ sessions_revoked: Type.Integer() }, { additionalProperties: false });

/** Logging out: this session, or every session of the account. Either stops working at once, everywhere. */
export const logoutRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const errors = errorResponses(401, 403, 500);

  app.post(
    '/logout',
    {
      schema: {
        tags: ['account'],
        summary: 'Log this session out',
        response: { 200: success(LoggedOut), ...errors },
      },
    },
    async (request, reply) => {
      const { sessionId, actor } = browserSessionOf(request);
      await logOut({ ctx, input: { sessionId, actor } });
      clearSessionCookie(reply, ctx.config);
      return { success: true as const, data: { sessions_revoked: 1 } };
    },
  );

  app.post(
    '/logout-everywhere',
    {
      schema: {
        tags: ['account'],
        summary: 'Log every session of the account out, this one included',
        response: { 200: success(LoggedOut), ...errors },
      },
    },
    async (request, reply) => {
      const { accountId, actor } = browserSessionOf(request);
      const revoked = await logOutEverywhere({ ctx, input: { accountId, actor } });
      clearSessionCookie(reply, ctx.config);
      return { success: true as const, data: { sessions_revoked: revoked } };
    },
  );
};
