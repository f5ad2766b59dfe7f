import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { AppContext } from '../../app-context.ts';
import { checkReadiness } from '../../health/check-readiness.ts';

const Readiness = Type.Object({
  ready: Type.Boolean(),
  database: Type.Boolean(),
  migrations: Type.Object({ applied: Type.Integer(), expected: Type.Integer() }),
  redis: Type.Union([Type.Boolean(), Type.Null()], { description: 'null when no Redis is configured' }),
});

export const systemRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/healthz',
    {
      config: { shed: false },
      schema: {
        tags: ['system'],
        summary: 'Process is up',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { shed: false },
      schema: {
        tags: ['system'],
        summary: 'Database reachable, migrations applied, Redis reachable when configured',
        response: { 200: Readiness, 503: Readiness },
      },
    },
    async (_request, reply) => {
      const readiness = await checkReadiness({ ctx });
      return reply.code(readiness.ready ? 200 : 503).send(readiness);
    },
  );
};
