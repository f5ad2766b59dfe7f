import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { AppContext } from '../../../app-context.ts';
import { listAudit } from '../../../audit/list-audit.ts';
import { Clamped, SafeId } from '../../schemas/numbers.ts';
import { errorResponses, Nullable, success } from '../smscode/schemas.ts';

const Entry = Type.Object(
  {
    id: Type.Integer(),
    at: Type.String({ format: 'date-time' }),
    actor_kind: Type.String(),
    actor_account_id: Nullable(Type.Integer()),
    action: Type.String(),
    target_type: Nullable(Type.String()),
    target_id: Nullable(Type.String()),
    before: Type.Unknown(),
    after: Type.Unknown(),
    request_id: Nullable(Type.String()),
    ip: Nullable(Type.String()),
  },
  { additionalProperties: false },
);

/** The audit log: who did what to which object, newest first. */
export const auditAdminRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/audit',
    {
      schema: {
        tags: ['admin'],
        summary: 'Audit log entries, newest first (keyset paging with before_id)',
        querystring: Type.Object({
          actor_account_id: Type.Optional(SafeId),
          action: Type.Optional(
            Type.String({ maxLength: 100, description: 'an action, or a prefix ending in a dot (account.)' }),
          ),
          target_type: Type.Optional(Type.String({ maxLength: 100 })),
          target_id: Type.Optional(Type.String({ maxLength: 100 })),
          since: Type.Optional(Type.String({ format: 'date-time' })),
          until: Type.Optional(Type.String({ format: 'date-time' })),
          before_id: Type.Optional(SafeId),
          limit: Type.Optional(Clamped({ description: '1-500, default 50' })),
        }),
        response: { 200: success(Type.Array(Entry)), ...errorResponses(401, 403, 422, 500) },
      },
    },
    async (request) => {
      const q = request.query;
      const entries = await listAudit({
        ctx,
        input: {
          actorAccountId: q.actor_account_id,
          action: q.action,
          targetType: q.target_type,
          targetId: q.target_id,
          since: q.since === undefined ? undefined : new Date(q.since),
          until: q.until === undefined ? undefined : new Date(q.until),
          beforeId: q.before_id,
          limit: q.limit,
        },
      });
      return {
        success: true as const,
        data: entries.map((e) => ({
          id: e.id,
          at: e.at.toISOString(),
          actor_kind: e.actorKind,
          actor_account_id: e.actorAccountId,
          action: e.action,
          target_type: e.targetType,
          target_id: e.targetId,
          before: e.before,
          after: e.after,
          request_id: e.requestId,
          ip: e.ip,
        })),
      };
    },
  );
};
