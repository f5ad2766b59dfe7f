import type { QueueSpec } from '../../platform/job-queue.ts';

export const WEBHOOK_QUEUE = 'webhook-delivery';

/**
 * A delivery job names the row and the attempts it had when the job was queued: a job whose attempt was
 * already made (by the fast path, or by another job) finds a different count and does nothing. Jobs queued
 * before the count was carried have none and send whatever is pending.
 */
export interface WebhookJob {
  deliveryId: number;
  attempts?: number;
}

/**
 * The outbox's safety net: every new delivery also gets a job this long after commit. The wake-up at
 * commit normally has it delivered within milliseconds, and the job then finds nothing to do; without a
 * listening worker (or with one that died mid-send) the job sends it.
 */
export const SAFETY_NET_DELAY_SECONDS = 5;

/**
 * How long a claim keeps other senders off a row: longer than one attempt can take (post-webhook.ts's
 * 10 s timeout, then recording the outcome), so only a claimant that died loses it.
 */
export const CLAIM_SECONDS = 20;

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
