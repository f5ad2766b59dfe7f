import type { Clock } from '../platform/clock.ts';
import { type DbContext, withTransaction } from '../platform/db.ts';
import type { JobQueue } from '../platform/job-queue.ts';
import type { Logger } from '../platform/logger.ts';
import { findTopupOfEvent } from './find-notified-topup.ts';
import { type GatewayCode, type NotificationAnswer, NotificationRejected } from './gateway-port.ts';
import { gatewayFor } from './gateway-registry.ts';
import { loadGatewayConfig } from './load-gateway-config.ts';
import { PAYMENT_EVENT_QUEUE, type PaymentEventJob } from './payment-event-queue.ts';
import { recordPaymentEvent } from './record-payment-event.ts';
import {
  BURST_THRESHOLD,
  BURST_WINDOW_MINUTES,
  recordRejectedNotification,
} from './record-rejected-notification.ts';

/** The gateway's answer, and why the notification was refused when it was (for the hook's metrics). */
export type ReceivedNotification = NotificationAnswer & { refused?: string };

/**
 * A gateway's notification: verified (signature, merchant) with no network call, matched to a top-up of
 * that gateway, stored once per event key, and queued for the re-check that decides what happens. The
 * answer is quick and in the gateway's own form; a duplicate gets the same 2xx. A refused notification is
 * logged with where it came from and credits nothing.
 */
export async function receivePaymentNotification({
  ctx,
  input,
}: {
  ctx: DbContext & { secret: string; clock: Clock; queue: JobQueue; log: Logger };
  input: { gateway: GatewayCode; rawBody: Buffer; headers: Record<string, string | undefined>; ip: string };
}): Promise<ReceivedNotification> {
  const config = await loadGatewayConfig({ ctx, input: { code: input.gateway } }).catch(() => undefined);
  if (!config?.enabled)
    return { status: 404, contentType: 'text/plain; charset=utf-8', body: 'unknown gateway' };
  let gateway: ReturnType<typeof gatewayFor>;
  try {
    gateway = gatewayFor(config);
  } catch (error) {
    // The operator's settings are wrong, not the notification: answered so the gateway sends it again.
    ctx.log.error({ err: error, gateway: input.gateway }, 'payment gateway cannot be used as configured');
    return { status: 503, contentType: 'text/plain; charset=utf-8', body: 'temporarily unavailable' };
  }
  const refuse = async (rejection: NotificationRejected): Promise<ReceivedNotification> => {
    const reason =
      rejection.reason === 'malformed' && rejection.status === 404 ? 'unknown_topup' : rejection.reason;
    const recorded = await recordRejectedNotification({
      ctx,
      input: {
        gateway: input.gateway,
        reason,
        sourceIp: input.ip,
        headers: input.headers,
        body: input.rawBody,
        receivedAt: ctx.clock.now(),
      },
    });
    ctx.log.warn(
      { gateway: input.gateway, reason: rejection.reason, ip: input.ip },
      'payment notification refused',
    );
    if (recorded.burst)
      ctx.log.error(
        { gateway: input.gateway, refusals: BURST_THRESHOLD, minutes: BURST_WINDOW_MINUTES, ip: input.ip },
        'burst of refused payment notifications: check the gateway credentials, or who is calling the hook',
      );
    return { ...gateway.answer(rejection), refused: reason };
  };

  let verified: ReturnType<typeof gateway.verifyNotification>;
  try {
    verified = gateway.verifyNotification({
      rawBody: input.rawBody,
      headers: input.headers,
      receivedAt: ctx.clock.now(),
    });
  } catch (error) {
    if (error instanceof NotificationRejected) return refuse(error);
    return refuse(new NotificationRejected('malformed', 'the notification could not be read'));
  }
  const { event } = verified;
  if (event.kind === 'ignored') return gateway.answer('accepted');
  const topup = await findTopupOfEvent({ ctx, input: { gateway: input.gateway, event } });
  // A refund or dispute can only be linked once its top-up is credited (that stores the charge it names)
  // and only then has money to take back. One that comes earlier is answered non-2xx, so the gateway
  // sends it again (Stripe retries for days) — the simplest way not to lose it; a lost payment
  // notification is credited by the reconciler well within that window. Nothing is stored meanwhile.
  if (event.kind !== 'payment' && (topup ? topup.creditedIdr === null : event.chargeRef !== null)) {
    ctx.log.warn(
      { gateway: input.gateway, kind: event.kind, chargeRef: event.chargeRef, topup: topup?.publicId },
      'payment reversal before its top-up was credited: the gateway is asked to send it again',
    );
    return gateway.answer(new NotificationRejected('too_early', 'the top-up is not credited yet', 409));
  }
  if (!topup) return refuse(new NotificationRejected('malformed', 'no such top-up', 404));
  // Found by the gateway's payment id, it must be the top-up the notification names too: Duitku signs
  // its merchantOrderId but not its reference, so a signed callback moved to another reference is refused.
  if (event.kind === 'payment' && event.topupId !== null && event.topupId !== topup.publicId)
    return refuse(new NotificationRejected('malformed', 'the payment belongs to another top-up'));
  // The event and its job are stored together: a crash between them must not leave an event no one runs.
  await withTransaction(ctx, async (tx) => {
    const stored = await recordPaymentEvent({
      ctx: tx,
      input: {
        gateway: input.gateway,
        eventKey: verified.eventKey,
        payload: event,
        receivedAt: tx.clock.now(),
      },
    });
    if (stored.id === null) return;
    const job: PaymentEventJob = { eventId: stored.id, gateway: input.gateway, topupId: topup.id, event };
    await tx.queue.send(tx, PAYMENT_EVENT_QUEUE, job);
  });
  return gateway.answer('accepted');
}
