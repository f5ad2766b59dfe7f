import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { AppContext } from '../../../app-context.ts';
import { GATEWAY_CODES, type GatewayCode } from '../../../payments/gateway-port.ts';
import { receivePaymentNotification } from '../../../payments/receive-payment-notification.ts';
import { registeredCounter } from '../../plugins/registered-counter.ts';

const isGateway = (value: string): value is GatewayCode =>
  (GATEWAY_CODES as readonly string[]).includes(value);

/**
 * POST /hooks/payments/:gateway — a gateway's signed notification. The body is kept as the exact bytes
 * received (Heleket and Stripe sign them); the domain verifies, stores the event and answers in the form
 * the gateway expects. Never shed or rate-limited: a refused notification is a payment waiting.
 */
export const paymentNotificationRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const refused = registeredCounter(ctx.metrics, {
    name: 'numpool_payment_notifications_refused_total',
    help: 'Payment notifications refused (bad signature, unknown top-up, wrong merchant, malformed)',
    labelNames: ['gateway', 'reason'],
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 256 * 1024 }, (_request, body, done) =>
    done(null, body),
  );
  app.post<{ Params: { gateway: string } }>(
    '/hooks/payments/:gateway',
    {
      config: { shed: false },
      schema: { hide: true, params: Type.Object({ gateway: Type.String({ maxLength: 32 }) }) },
    },
    async (request: FastifyRequest<{ Params: { gateway: string } }>, reply) => {
      const gateway = request.params.gateway;
      if (!isGateway(gateway))
        return reply.code(404).type('text/plain; charset=utf-8').send('unknown gateway');
      const answer = await receivePaymentNotification({
        ctx,
        input: {
          gateway,
          rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
          headers: Object.fromEntries(
            Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]),
          ),
          ip: request.ip,
        },
      });
      if (answer.refused) refused.inc({ gateway, reason: answer.refused });
      return reply.code(answer.status).type(answer.contentType).send(answer.body);
    },
  );
};
