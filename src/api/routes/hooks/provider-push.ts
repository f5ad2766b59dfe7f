import type { FastifyPluginAsync } from 'fastify';
import { Counter } from 'prom-client';
import Type from 'typebox';
import type { AppContext } from '../../../app-context.ts';
import { receiveProviderPush } from '../../../orders/receive-provider-push.ts';
import { isDomainError } from '../../../platform/errors.ts';

/**
 * POST /hooks/providers/:provider — SMS pushed by an upstream provider. The secret comes as ?secret= or
 * the X-Numpool-Hook-Secret header. Accepted (and duplicate or late) pushes answer 200 "OK", which is
 * what pushing providers expect; refused ones are counted. An unknown provider code and a wrong or
 * missing secret get the same 401.
 */
export const providerPushRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const pushes = new Counter({
    name: 'numpool_provider_pushes_total',
    help: 'SMS pushes received from providers, by outcome',
    labelNames: ['provider', 'outcome'],
    registers: [ctx.metrics],
  });

  app.post<{ Params: { provider: string }; Querystring: { secret?: string } }>(
    '/hooks/providers/:provider',
    {
      // Never shed, never rate-limited: authenticated by the provider's own secret, and a refused push
      // may be an SMS the provider never sends again.
      config: { shed: false },
      schema: {
        hide: true,
        querystring: Type.Object({ secret: Type.Optional(Type.String({ maxLength: 256 })) }),
      },
    },
    async (request, reply) => {
      const provider = request.params.provider.slice(0, 40);
      const secret = request.query.secret ?? (request.headers['x-numpool-hook-secret'] as string | undefined);
      try {
        const outcome = await receiveProviderPush({
          ctx,
          input: { providerCode: provider, secret, body: request.body },
        });
        pushes.inc({ provider, outcome });
        return reply.type('text/plain; charset=utf-8').send('OK');
      } catch (error) {
        const code = isDomainError(error) ? error.code : undefined;
        // Until a secret matched, the path is anyone's to choose: those pushes share one label.
        pushes.inc({
          provider: code === 'UNAUTHORIZED' ? 'unauthenticated' : provider,
          outcome: code?.toLowerCase() ?? 'error',
        });
        throw error;
      }
    },
  );
};
