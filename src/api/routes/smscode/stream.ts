import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { AppContext } from '../../../app-context.ts';
import { eventBody, latestEventId } from '../../../delivery/stream/account-events.ts';
import { followAccountEvents } from '../../../delivery/stream/follow-account-events.ts';
import { accountChannel, WEBHOOK_EVENTS } from '../../../orders/order-events.ts';
import { principalOf, watchKey } from '../../plugins/api-key-auth.ts';
import { needs } from '../../plugins/route-scopes.ts';
import { SafeId } from '../../schemas/numbers.ts';

const HEARTBEAT_MS = 15_000;

/**
 * GET /v2/stream: Server-Sent Events of the account's order events, with the webhook payloads. Each event
 * carries `id:`; reconnecting with Last-Event-ID (or ?last_event_id=) replays what was missed from the
 * server-side history, then follows live. Wake-ups come through the bus, so every node's streams see
 * every node's events. A stream lasts no longer than its key: revoked, narrowed or allowlisted elsewhere
 * (on any node), the key's open streams end, as its next request would be refused.
 */
export const streamRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/stream',
    {
      ...needs('read'),
      schema: {
        tags: ['webhooks'],
        summary: 'Server-Sent Events of order events (resume with Last-Event-ID)',
        security: [{ bearerAuth: [] }],
        querystring: Type.Object({
          last_event_id: Type.Optional(SafeId),
          // The contract's webhook events by default; `all` adds order.activated and order.resend_requested.
          events: Type.Optional(Type.Union([Type.Literal('webhook'), Type.Literal('all')])),
        }),
      },
    },
    async (request, reply) => {
      const { accountId } = principalOf(request);
      const header = request.headers['last-event-id'];
      const fromHeader = Number(Array.isArray(header) ? header[0] : header);
      const resumeFrom =
        Number.isSafeInteger(fromHeader) && fromHeader >= 0
          ? fromHeader
          : (request.query.last_event_id ?? (await latestEventId({ ctx, input: { accountId } })));
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
      });
      raw.write(': connected\n\n');

      const follower = followAccountEvents({
        ctx,
        input: {
          accountId,
          resumeFrom,
          events: request.query.events === 'all' ? undefined : WEBHOOK_EVENTS,
          sink: (event) => raw.write(`id: ${event.id}\nevent: ${event.event}\ndata: ${eventBody(event)}\n\n`),
          onError: (error) => request.log.warn({ err: error }, 'stream read failed'),
        },
      });
      const unsubscribe = ctx.bus.subscribe(accountChannel(accountId), () => void follower.wake());
      const key = watchKey(ctx, request, 'read', () =>
        raw.end(': this API key may no longer read this stream\n\n'),
      );
      const heartbeat = setInterval(() => {
        raw.write(': ping\n\n');
        key.check();
      }, HEARTBEAT_MS);
      // The node is going away: the client reconnects (Last-Event-ID) to one that stays.
      const restarting = () => {
        raw.end(': numpool is restarting; reconnect\n\n');
        // Not kept alive: the connection would hold the closing server open.
        request.raw.socket?.end();
      };
      app.closing.addEventListener('abort', restarting, { once: true });
      const stop = () => {
        follower.stop();
        clearInterval(heartbeat);
        unsubscribe();
        key.stop();
        app.closing.removeEventListener('abort', restarting);
      };
      raw.on('close', stop);
      // A client that left while the stream was being set up gets no 'close' any more.
      if (raw.destroyed || request.raw.destroyed) stop();
      await follower.wake();
    },
  );
};
