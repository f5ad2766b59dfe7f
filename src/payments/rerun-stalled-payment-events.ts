/**
 * Stored notifications whose job gave up (its retries last about 20 minutes: a gateway down longer than
 * that at the re-check) are run again by the reconciler. The gateway already had its 2xx and will not
 * send them again, and for refunds and disputes nothing else would find them: Stripe's session status
 * does not show a refund. Running one twice changes nothing (processPaymentEvent is idempotent); one the
 * gateway still cannot answer waits for the next run.
 */
import type { Clock } from '../platform/clock.ts';
import type { DbContext } from '../platform/db.ts';
import type { Logger } from '../platform/logger.ts';
import { findTopupOfEvent } from './find-notified-topup.ts';
import type { GatewayCode, NotificationEvent } from './gateway-port.ts';
import type { PaymentEventJob } from './payment-event-queue.ts';
import { processPaymentEvent } from './process-payment-event.ts';

/** Past the job's last retry (5 s doubling, 8 times: about 21 minutes). */
const STALLED_AFTER_MINUTES = 30;
const BATCH = 100;

export async function rerunStalledPaymentEvents({
  ctx,
}: {
  ctx: DbContext & { secret: string; log: Logger; clock: Clock };
}): Promise<number> {
  const stalled = await ctx.db.query<{ id: number; gateway: GatewayCode; payload: PaymentEventJob['event'] }>(
    `SELECT id, gateway, payload FROM payment_events
     WHERE processed_at IS NULL AND received_at < $1::timestamptz - make_interval(mins => $2)
     ORDER BY received_at LIMIT $3`,
    [ctx.clock.now(), STALLED_AFTER_MINUTES, BATCH],
  );
  let done = 0;
  for (const row of stalled.rows) {
    const event = row.payload as Exclude<NotificationEvent, { kind: 'ignored' }>;
    try {
      const topup = await findTopupOfEvent({ ctx, input: { gateway: row.gateway, event } });
      // A missing top-up is recorded as such by processPaymentEvent (id 0 names none).
      await processPaymentEvent({
        ctx,
        input: { eventId: row.id, gateway: row.gateway, topupId: topup?.id ?? 0, event },
      });
      done++;
    } catch (error) {
      ctx.log.warn({ err: error, paymentEvent: row.id }, 'stalled payment event still not processed');
    }
  }
  return done;
}
