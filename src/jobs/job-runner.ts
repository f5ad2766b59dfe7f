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
import { processPaymentEventBatch } from '../payments/process-payment-event-batch.ts';
import { enqueueProviderSyncs, runProviderSync } from './provider-sync-job.ts';
import { PROVIDER_SYNC_QUEUE, WEBHOOK_QUEUE } from './queues.ts';
import { startSweeps } from './sweeps.ts';

/** Payment events re-checked at once by one worker (each one HTTP call to its gateway). */
const PAYMENT_EVENT_BATCH = 10;

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
  // Payment notifications wake the worker by NOTIFY, and are fetched in batches (a full batch fetches
  // again at once), so a burst of payments is not credited one poll at a time; the short poll is the
  // backstop for a wake-up that never came. Each event of a batch is settled on its own: one whose
  // re-check failed (the gateway is down) is retried by pg-boss with backoff, the reconciler after.
  await boss.work<PaymentEventJob>(
    PAYMENT_EVENT_QUEUE,
    {
      batchSize: PAYMENT_EVENT_BATCH,
      perJobResults: true,
      burstWhenBatchFull: true,
      pollingIntervalSeconds: 1,
      notifyPollingIntervalSeconds: 1,
    },
    async (batch) => {
      const outcomes = await processPaymentEventBatch({
        ctx,
        input: batch.map((job) => ({ key: job.id, job: job.data })),
      });
      return batch.map((job) => {
        const outcome = outcomes.get(job.id);
        if (outcome?.ok) return { id: job.id, status: 'completed' as const };
        const error = outcome?.error;
        ctx.log.warn({ err: error, eventId: job.data.eventId }, 'payment event not processed');
        return {
          id: job.id,
          status: 'failed' as const,
          output: { message: error instanceof Error ? error.message : String(error) },
        };
      });
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
