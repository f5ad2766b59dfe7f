import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import {
  getHandlerSettings,
  type HandlerSettings,
  updateHandlerSettings,
} from '../../../accounts/handler-settings.ts';
import type { AppContext } from '../../../app-context.ts';
import { type DeliveryRecord, listDeliveries, redeliver } from '../../../delivery/webhooks/delivery-log.ts';
import { requireAccount } from '../../plugins/account-auth.ts';
import { principalOf } from '../../plugins/api-key-auth.ts';
import { requireCsrfForSessions } from '../../plugins/csrf.ts';
import type { RequestLimits } from '../../plugins/request-limits.ts';
import { enforceRouteScopes, needs } from '../../plugins/route-scopes.ts';
import { Clamped, Id32 } from '../../schemas/numbers.ts';
import { errorResponses, Nullable, success } from '../smscode/schemas.ts';

const Delivery = Type.Object(
  {
    id: Type.Integer(),
    event: Type.String(),
    url: Type.String(),
    status: Type.String(),
    attempts: Type.Integer(),
    last_status_code: Nullable(Type.Integer()),
    last_error: Nullable(Type.String()),
    next_attempt_at: Nullable(Type.String()),
    created_at: Type.String(),
    delivered_at: Nullable(Type.String()),
    body: Type.String({ description: 'the exact bytes sent' }),
  },
  { additionalProperties: false },
);

const view = (d: DeliveryRecord) => ({
  id: d.id,
  event: d.event,
  url: d.url,
  status: d.status,
  attempts: d.attempts,
  last_status_code: d.lastStatusCode,
  last_error: d.lastError,
  next_attempt_at: d.nextAttemptAt?.toISOString() ?? null,
  created_at: d.createdAt.toISOString(),
  delivered_at: d.deliveredAt?.toISOString() ?? null,
  body: d.body,
});

/**
 * numpool's own extensions: the webhook delivery log and redelivery, and handler-API settings — for an API
 * key with the webhook scope, or a signed-in session (with its CSRF token on changes).
 */
export const deliveryRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext; limits: RequestLimits }> = async (
  app,
  { ctx, limits },
) => {
  app.addHook('onRequest', requireAccount(ctx, limits));
  app.addHook('onRequest', requireCsrfForSessions);
  enforceRouteScopes(app);
  const tags = ['webhooks'];
  const security = [{ bearerAuth: [] }];

  app.get(
    '/webhook-deliveries',
    {
      ...needs('webhook'),
      schema: {
        tags,
        summary: 'Webhook delivery log, most recent first',
        security,
        querystring: Type.Object({
          limit: Type.Optional(Clamped()),
          offset: Type.Optional(Clamped()),
          status: Type.Optional(Type.String()),
        }),
        response: { 200: success(Type.Array(Delivery)), ...errorResponses(401, 422, 500) },
      },
    },
    async (request) => {
      const rows = await listDeliveries({
        ctx,
        input: { accountId: principalOf(request).accountId, ...request.query },
      });
      return { success: true as const, data: rows.map(view) };
    },
  );

  const Settings = Type.Object(
    { handler_webhook_url: Nullable(Type.String()), handler_json_errors: Type.Boolean() },
    { additionalProperties: false },
  );
  const settingsView = (s: HandlerSettings) => ({
    handler_webhook_url: s.webhookUrl,
    handler_json_errors: s.jsonErrors,
  });

  app.get(
    '/handler-settings',
    {
      ...needs('webhook'),
      schema: {
        tags: ['handler'],
        summary: 'Handler-API settings: SMS webhook in the handler format, JSON errors',
        security,
        response: { 200: success(Settings), ...errorResponses(401, 500) },
      },
    },
    async (request) => ({
      success: true as const,
      data: settingsView(
        await getHandlerSettings({ ctx, input: { accountId: principalOf(request).accountId } }),
      ),
    }),
  );

  app.patch(
    '/handler-settings',
    {
      ...needs('webhook'),
      schema: {
        tags: ['handler'],
        summary: 'Change handler-API settings ("" clears the webhook)',
        security,
        body: Type.Object(
          {
            handler_webhook_url: Type.Optional(Nullable(Type.String({ maxLength: 2048 }))),
            handler_json_errors: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: success(Settings), ...errorResponses(401, 422, 500) },
      },
    },
    async (request) => {
      const settings = await updateHandlerSettings({
        ctx,
        input: {
          accountId: principalOf(request).accountId,
          webhookUrl: request.body.handler_webhook_url,
          jsonErrors: request.body.handler_json_errors,
        },
      });
      return { success: true as const, data: settingsView(settings) };
    },
  );

  app.post(
    '/webhook-deliveries/:id/redeliver',
    {
      ...needs('webhook'),
      schema: {
        tags,
        summary: 'Send a delivery again now',
        security,
        params: Type.Object({ id: Id32 }),
        response: { 200: success(Delivery), ...errorResponses(401, 404, 500) },
      },
    },
    async (request) => {
      const delivery = await redeliver({
        ctx,
        input: { accountId: principalOf(request).accountId, deliveryId: request.params.id },
      });
      return { success: true as const, data: view(delivery) };
    },
  );
};
