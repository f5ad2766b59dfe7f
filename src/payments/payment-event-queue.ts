import type { QueueSpec } from '../platform/job-queue.ts';
import type { GatewayCode, NotificationEvent } from './gateway-port.ts';

/** Verified notifications wait here for their re-check with the gateway (payment-event-job.ts). */
export const PAYMENT_EVENT_QUEUE = 'payment-events';

export const PAYMENT_EVENT_QUEUE_SPEC: QueueSpec = {
  name: PAYMENT_EVENT_QUEUE,
  // Workers wake on NOTIFY: a paid top-up is re-checked and credited as soon as its notification is
  // stored, not at the worker's next poll.
  notify: true,
  // A gateway that is down at the re-check: try again for a while; the reconciler covers the rest.
  retryLimit: 8,
  retryDelay: 5,
  retryBackoff: true,
  expireInSeconds: 120,
};

export interface PaymentEventJob {
  eventId: number;
  gateway: GatewayCode;
  topupId: number;
  event: Exclude<NotificationEvent, { kind: 'ignored' }>;
}
