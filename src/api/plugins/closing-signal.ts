/**
 * `app.closing`: aborted when the server starts closing (SIGTERM → app.close()), so requests that wait on
 * something — event streams, long-polls — stop waiting and let the node go, instead of holding it open
 * until the drain deadline. New requests meanwhile get Fastify's 503 (return503OnClosing). Answers sent
 * while closing say `Connection: close`: a keep-alive connection that became idle after the server began
 * closing would otherwise hold it open until its keep-alive timeout.
 */
import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyInstance {
    closing: AbortSignal;
  }
}

export function registerClosingSignal(app: FastifyInstance): void {
  const controller = new AbortController();
  app.decorate('closing', controller.signal);
  app.addHook('preClose', async () => controller.abort());
  app.addHook('onSend', async (_request, reply, payload) => {
    if (controller.signal.aborted) reply.header('connection', 'close');
    return payload;
  });
}
