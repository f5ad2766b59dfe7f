import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../../app-context.ts';

/** Prometheus metrics of this process (provider latency, errors, open circuits). */
export const metricsRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/metrics',
    { config: { shed: false }, schema: { tags: ['admin'], summary: 'Prometheus metrics (text format)' } },
    async (_request, reply) => reply.type(ctx.metrics.contentType).send(await ctx.metrics.metrics()),
  );
};
