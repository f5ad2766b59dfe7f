import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { AppContext } from '../../../app-context.ts';
import { sendTestWebhook } from '../../../delivery/webhooks/send-test-webhook.ts';
import {
  getWebhookConfig,
  updateWebhookConfig,
  type WebhookConfig,
} from '../../../delivery/webhooks/webhook-config.ts';
import { principalOf } from '../../plugins/api-key-auth.ts';
import { needs } from '../../plugins/route-scopes.ts';
import { errorResponses, Nullable, success } from './schemas.ts';

const Config = Type.Object(
  {
    webhook_url: Nullable(Type.String()),
    webhook_secret: Nullable(Type.String()),
    webhook_disabled_at: Nullable(Type.String({ format: 'date-time' })),
    webhook_disabled_reason: Nullable(Type.String()),
    webhook_consecutive_failures: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);

const view = (c: WebhookConfig) => ({
  webhook_url: c.url,
  webhook_secret: c.secret,
  webhook_disabled_at: c.disabledAt ? c.disabledAt.toISOString() : null,
  webhook_disabled_reason: c.disabledReason,
  webhook_consecutive_failures: c.consecutiveFailures,
});

/** Webhook configuration: money-free, byte-identical on /v1 and /v2. */
export const webhookRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const security = [{ bearerAuth: [] }];
  const tags = ['webhooks'];

  app.get(
    '/webhook',
    {
      ...needs('webhook'),
      schema: {
        tags,
        summary: 'Webhook configuration',
        security,
        response: { 200: success(Config), ...errorResponses(401, 404, 429, 500, 503) },
      },
    },
    async (request) => ({
      success: true as const,
      data: view(await getWebhookConfig({ ctx, input: { accountId: principalOf(request).accountId } })),
    }),
  );

  app.patch(
    '/webhook',
    {
      ...needs('webhook'),
      schema: {
        tags,
        summary: 'Set the webhook URL and/or secret ("" clears); any change re-enables delivery',
        security,
        body: Type.Object(
          {
            webhook_url: Type.Optional(Nullable(Type.String({ maxLength: 2048 }))),
            webhook_secret: Type.Optional(Nullable(Type.String({ maxLength: 256 }))),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: success(Config), ...errorResponses(401, 404, 422, 429, 500, 503) },
      },
    },
    async (request) => {
      const body = request.body ?? {};
      const updated = await updateWebhookConfig({
        ctx,
        input: {
          accountId: principalOf(request).accountId,
          changes: { url: body.webhook_url, secret: body.webhook_secret },
        },
      });
      return { success: true as const, data: view(updated) };
    },
  );

  app.post(
    '/webhook/test',
    {
      ...needs('webhook'),
      schema: {
        tags,
        summary: 'Send a signed webhook.test event now; answers the receiver’s status code',
        security,
        response: {
          200: success(Type.Object({ status_code: Type.Integer() }, { additionalProperties: false })),
          ...errorResponses(401, 422, 429, 500, 503),
        },
      },
    },
    async (request) => {
      const result = await sendTestWebhook({ ctx, input: { accountId: principalOf(request).accountId } });
      return { success: true as const, data: { status_code: result.statusCode } };
    },
  );
};
