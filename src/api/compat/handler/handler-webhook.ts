/**
 * The handler protocol's SMS webhook (SMS-Activate's activation callback): one POST per novel SMS, in the
 * shape its clients parse. Codes never carry a colon there (clients split the status line on it).
 */
import type { SmsFacts, WebhookFormats } from '../../../delivery/webhooks/enqueue-webhook.ts';

export function handlerSmsWebhookBody(facts: SmsFacts): object {
  return {
    activationId: facts.orderId,
    service: facts.serviceCode,
    text: facts.text,
    code: (facts.code ?? '').replaceAll(':', ''),
    country: facts.countryId,
    receivedAt: facts.receivedAt.toISOString().slice(0, 19).replace('T', ' '),
  };
}

export const WEBHOOK_FORMATS: WebhookFormats = { handlerSms: handlerSmsWebhookBody };
