import type { QueueSpec } from '../platform/job-queue.ts';

export const PROVIDER_SYNC_QUEUE = 'provider-sync';
export const WEBHOOK_QUEUE = 'webhook-delivery';

/** Every queue numpool uses, created at start by any process. */
export const QUEUES: QueueSpec[] = [
  // At most one queued or running sync per provider, however many workers ask.
  { name: PROVIDER_SYNC_QUEUE, policy: 'exclusive', retryLimit: 1, expireInSeconds: 300 },
  // Workers wake on NOTIFY; a worker that dies mid-delivery stops heartbeating and the job runs again.
  // Retries follow our own schedule (deliver-webhook.ts), so pg-boss retries only crashed attempts.
  {
    name: WEBHOOK_QUEUE,
    notify: true,
    heartbeatSeconds: 10,
    expireInSeconds: 60,
    retryLimit: 3,
    retryDelay: 1,
  },
];
