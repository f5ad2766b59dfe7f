/**
 * Background work on pg-boss (jobs in PostgreSQL: retries, crash recovery, one queue shared by every
 * worker process). Each worker enqueues the periodic work it knows about; queue policies collapse the
 * duplicates that several workers enqueue, so running more workers never multiplies the work.
 *
 * SIGTERM: stop() lets active jobs finish (bounded) before returning. SIGKILL: jobs that were active are
 * retried by pg-boss after their expiry, and every job here is safe to run twice.
 */

import type { AppContext } from '../app-context.ts';
import { deliverWebhook } from '../delivery/webhooks/deliver-webhook.ts';
import { startWebhookDispatcher } from '../delivery/webhooks/webhook-dispatcher.ts';
import type { WebhookJob } from '../delivery/webhooks/webhook-queue.ts';
import { PAYMENT_EVENT_QUEUE, type PaymentEventJob } from '../payments/payment-event-queue.ts';
import { processPaymentEvent } from '../payments/process-payment-event.ts';
import { enqueueProviderSyncs, runProviderSync } from './provider-sync-job.ts';
import { PROVIDER_SYNC_QUEUE, WEBHOOK_QUEUE } from './queues.ts';
import { startSweeps } from './sweeps.ts';

export interface JobRunner {
  /** Enqueues a sync of every enabled provider now. */
  syncAllProviders(): Promise<void>;
  stop(): Promise<void>;
}

/** Runs the jobs and sweeps of a worker process on the context's queue. */
export async function startJobs(ctx: AppContext): Promise<JobRunner> {
  const { boss } = ctx.queue;
  await boss.work<{ providerId: number }>(PROVIDER_SYNC_QUEUE, { batchSize: 1 }, async ([job]) => {
    if (job) await runProviderSync(ctx, job.data);
  });
  // A failed re-check (the gateway is down) throws: pg-boss retries with backoff, the reconciler after.
  // Workers wake on NOTIFY; a wake-up that comes while both slots are busy is not kept, so the poll
  // behind it stays short.
  await boss.work<PaymentEventJob>(
    PAYMENT_EVENT_QUEUE,
    { batchSize: 1, localConcurrency: 2, pollingIntervalSeconds: 1, notifyPollingIntervalSeconds: 1 },
    async ([job]) => {
      if (job) await processPaymentEvent({ ctx, input: job.data });
    },
  );
  // Deliveries are sent by the dispatcher as their transactions commit; these jobs are the safety net (and
  // carry the retries). They go out in parallel batches: a slow endpoint must not hold up everyone else's
  // codes, and a full batch makes pg-boss fetch again at once instead of waiting for its next poll.
  const dispatcher = startWebhookDispatcher(ctx);
  await dispatcher.ready;
  await boss.work<WebhookJob>(
    WEBHOOK_QUEUE,
    { batchSize: 25, localConcurrency: 4, pollingIntervalSeconds: 1, notifyPollingIntervalSeconds: 1 },
    async (batch) => {
      // Each delivery settles on its own: one that fails unexpectedly (database trouble) is queued again
      // in a few seconds, and the rest of the batch is not sent twice.
      const results = await Promise.allSettled(batch.map((job) => deliverWebhook({ ctx, input: job.data })));
      for (const [i, result] of results.entries()) {
        const job = batch[i]!.data;
        // Someone holds a live claim on this attempt: look again when it runs out (sent by then, or its
        // holder died and this job sends it).
        const retryAt =
          result.status === 'rejected'
            ? new Date(Date.now() + 5_000)
            : typeof result.value === 'object'
              ? new Date(result.value.claimedUntil.getTime() + 1_000)
              : null;
        if (!retryAt) continue;
        if (result.status === 'rejected')
          ctx.log.warn(
            { err: result.reason, deliveryId: job.deliveryId },
            'webhook delivery failed; retrying',
          );
        await ctx.queue.send(ctx, WEBHOOK_QUEUE, job, { startAfter: retryAt }).catch(() => undefined);
      }
    },
  );

  const syncAllProviders = () => enqueueProviderSyncs(ctx, boss);
  const timer = setInterval(() => {
    syncAllProviders().catch((error: unknown) =>
      ctx.log.warn({ err: error }, 'could not enqueue provider syncs'),
    );
  }, ctx.config.syncIntervalSeconds * 1000);
  timer.unref();
  const stopSweeps = startSweeps(ctx);

  return {
    syncAllProviders,
    stop: async () => {
      clearInterval(timer);
      await stopSweeps();
      await boss.offWork(PROVIDER_SYNC_QUEUE);
      await boss.offWork(PAYMENT_EVENT_QUEUE);
      await dispatcher.stop();
      await boss.offWork(WEBHOOK_QUEUE);
    },
  };
}
