import type { PlatformContext } from '../platform/context.ts';
import type { WebhookFormats } from './webhooks/enqueue-webhook.ts';

/** What delivery verbs use: the platform, and the webhook formats the surfaces hand in at start. */
export interface DeliveryContext extends PlatformContext {
  webhookFormats: WebhookFormats;
}
