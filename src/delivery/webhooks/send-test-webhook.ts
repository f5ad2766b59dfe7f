/**
 * POST /webhook/test: a signed `webhook.test` event sent now, answering with whatever status the receiver
 * returned. No URL configured: VALIDATION_ERROR without any outbound call. Not logged as a delivery and
 * not counted against the endpoint's health.
 */
import { DomainError } from '../../platform/errors.ts';
import type { DeliveryContext } from '../delivery-context.ts';
import { postWebhook } from './post-webhook.ts';
import { signWebhook } from './signatures.ts';
import { getWebhookConfig } from './webhook-config.ts';

export async function sendTestWebhook({
  ctx,
  input,
}: {
  ctx: DeliveryContext;
  input: { accountId: number };
}): Promise<{ statusCode: number }> {
  const config = await getWebhookConfig({ ctx, input });
  if (!config.url) throw new DomainError('VALIDATION_ERROR', 'no webhook_url is configured');
  // Heavily limited: it makes numpool call out on demand. One budget per account across /v1 and /v2.
  await ctx.rateLimits.consume('webhookTest', String(input.accountId));
  const now = ctx.clock.now();
  const body = JSON.stringify({
    event: 'webhook.test',
    timestamp: now.toISOString(),
    data: { message: 'This is a test webhook event from SMSCode.' },
  });
  const headers = signWebhook({ body, secret: config.secret, id: `msg_test_${now.getTime()}`, at: now });
  const result = await postWebhook({
    url: config.url,
    body,
    headers: { ...headers },
    allowPrivate: ctx.config.webhooks.allowPrivate,
  });
  if (result.statusCode === null) {
    throw new DomainError('VALIDATION_ERROR', `the webhook endpoint could not be reached: ${result.error}`);
  }
  return { statusCode: result.statusCode };
}
