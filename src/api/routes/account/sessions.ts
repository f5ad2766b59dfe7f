import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { endSession } from '../../../accounts/sessions/end-session.ts';
import { listSessions } from '../../../accounts/sessions/list-sessions.ts';
import type { AppContext } from '../../../app-context.ts';
import { clearSessionCookie } from '../../plugins/session-cookie.ts';
import { SafeId } from '../../schemas/numbers.ts';
import { errorResponses, Nullable, success } from '../smscode/schemas.ts';
import { browserSessionOf } from './browser-session.ts';

const OpenSession = Type.Object(
  {
    id: Type.Integer(),
    created_at: Type.String(),
    last_seen_at: Type.String(),
    ip: Nullable(Type.String()),
    user_agent: Nullable(Type.String()),
    current: Type.Boolean(),
  },
  { additionalProperties: false },
);

/** The account's open sessions (its devices), and ending one of them. */
export const sessionsRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const errors = errorResponses(401, 403, 404, 422, 500);

  app.get(
    '/sessions',
    {
      schema: {
        tags: ['account'],
        summary: 'Open sessions of the signed-in account',
        response: { 200: success(Type.Array(OpenSession)), ...errors },
      },
    },
    async (request) => {
      const { accountId, sessionId } = browserSessionOf(request);
      const sessions = await listSessions({ ctx, input: { accountId } });
      return {
        success: true as const,
        data: sessions.map((s) => ({
          id: s.id,
          created_at: s.createdAt.toISOString(),
          last_seen_at: s.lastSeenAt.toISOString(),
          ip: s.ip,
          user_agent: s.userAgent,
          current: s.id === sessionId,
        })),
      };
    },
  );

  app.delete(
    '/sessions/:id',
    {
      schema: {
        tags: ['account'],
        summary: 'End one of the account’s sessions',
        params: Type.Object({ id: SafeId }),
        response: { 200: success(Type.Object({ revoked: Type.Boolean() })), ...errors },
      },
    },
    async (request, reply) => {
      const { accountId, sessionId, actor } = browserSessionOf(request);
      await endSession({ ctx, input: { accountId, sessionId: request.params.id, actor } });
      if (request.params.id === sessionId) clearSessionCookie(reply, ctx.config);
      return { success: true as const, data: { revoked: true } };
    },
  );
};
