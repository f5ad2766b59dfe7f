import type { DbContext } from '../platform/db.ts';
import type { Logger } from '../platform/logger.ts';
import type { PaymentEventJob } from './payment-event-queue.ts';
import { processPaymentEvent } from './process-payment-event.ts';

/**
 * A worker's batch of stored notifications. Top-ups are re-checked side by side; the events of one
 * top-up one after another — those stating a paid amount first, so a disagreement is seen before a
 * sibling event (an older status, a duplicate) credits the status call's amount — and never racing each
 * other on the same row. Each event's outcome is its own: one that failed (its gateway is down) is
 * retried alone.
 */
export async function processPaymentEventBatch<Key>({
  ctx,
  input,
}: {
  ctx: DbContext & { secret: string; log: Logger };
  input: Array<{ key: Key; job: PaymentEventJob }>;
}): Promise<Map<Key, { ok: true } | { ok: false; error: unknown }>> {
  const byTopup = new Map<number, Array<{ key: Key; job: PaymentEventJob }>>();
  for (const item of input) {
    const group = byTopup.get(item.job.topupId) ?? [];
    group.push(item);
    byTopup.set(item.job.topupId, group);
  }
  const outcomes = new Map<Key, { ok: true } | { ok: false; error: unknown }>();
  await Promise.all(
    [...byTopup.values()].map(async (group) => {
      group.sort((a, b) => Number(statesPaid(b.job)) - Number(statesPaid(a.job)));
      for (const { key, job } of group) {
        try {
          await processPaymentEvent({ ctx, input: job });
          outcomes.set(key, { ok: true });
        } catch (error) {
          outcomes.set(key, { ok: false, error });
        }
      }
    }),
  );
  return outcomes;
}

function statesPaid(job: PaymentEventJob): boolean {
  return job.event.kind === 'payment' && Boolean(job.event.paid);
}
