import type { QueueSpec } from '../../platform/job-queue.ts';

export const WEBHOOK_QUEUE = 'webhook-delivery';

// Workers wake on NOTIFY; a worker that dies mid-delivery stops heartbeating and the job runs again.
// Retries follow our own schedule (deliver-webhook.ts), so pg-boss retries only crashed attempts.
export const WEBHOOK_QUEUE_SPEC: QueueSpec = {
  name: WEBHOOK_QUEUE,
  notify: true,
  heartbeatSeconds: 10,
  expireInSeconds: 60,
  retryLimit: 3,
  retryDelay: 1,
};
