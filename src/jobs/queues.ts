import { WEBHOOK_QUEUE, WEBHOOK_QUEUE_SPEC } from '../delivery/webhooks/webhook-queue.ts';
import { PAYMENT_EVENT_QUEUE_SPEC } from '../payments/payment-event-queue.ts';
import type { QueueSpec } from '../platform/job-queue.ts';

export const PROVIDER_SYNC_QUEUE = 'provider-sync';
export { WEBHOOK_QUEUE };

/** Every queue numpool uses, created at start by any process. */
export const QUEUES: QueueSpec[] = [
  // At most one queued or running sync per provider, however many workers ask.
  { name: PROVIDER_SYNC_QUEUE, policy: 'exclusive', retryLimit: 1, expireInSeconds: 300 },
  WEBHOOK_QUEUE_SPEC,
  PAYMENT_EVENT_QUEUE_SPEC,
];
