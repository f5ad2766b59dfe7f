import type { DbContext } from '../platform/db.ts';
import type { Logger } from '../platform/logger.ts';
import { applyPaymentStatus } from './apply-payment-status.ts';
import { debitTopupDispute, debitTopupRefund } from './debit-topup.ts';
import { GatewayError, type IgnoredEvent, type ReversalEvent } from './gateway-port.ts';
import { gatewayFor } from './gateway-registry.ts';
import { loadGatewayConfig } from './load-gateway-config.ts';
import type { PaymentEventJob } from './payment-event-queue.ts';
import { recheckReversal } from './recheck-reversal.ts';
import { markPaymentEventProcessed } from './record-payment-event.ts';
import { reverseDispute } from './reverse-dispute.ts';
import { loadTopup, type TopupRecord } from './topup.ts';

/**
 * A stored notification, acted on. A payment is re-checked with the gateway's status call and only that
 * answer counts; refunds and disputes (money the gateway has already taken back) are re-checked too
 * (recheck-reversal.ts) and debit the wallet, the rest owed going to the account's receivable. A gateway that cannot be reached throws, so the job runs
 * again; every step is idempotent, so running twice changes nothing.
 */
export async function processPaymentEvent({
  ctx,
  input,
}: {
  ctx: DbContext & { secret: string; log: Logger };
  input: PaymentEventJob;
}): Promise<string> {
  const topup = await loadTopup(ctx.db, input.topupId);
  const { event } = input;
  let outcome: string;
  if (!topup?.gatewayPaymentId) outcome = 'unknown_topup';
  else {
    const gateway = gatewayFor(await loadGatewayConfig({ ctx, input: { code: topup.gateway } }));
    try {
      outcome =
        event.kind === 'payment'
          ? await applyPaymentStatus({
              ctx,
              input: {
                topup,
                status: await gateway.fetchStatus({
                  gatewayPaymentId: topup.gatewayPaymentId,
                  topupId: topup.publicId,
                }),
                // Jobs stored before notifications carried their amount have none.
                notified: event.paid ?? null,
              },
            })
          : await applyReversal(ctx, topup, await recheckReversal({ ctx, input: { gateway, topup, event } }));
    } catch (error) {
      if (error instanceof GatewayError && !error.retryable) outcome = `gateway_refused: ${error.message}`;
      else throw error;
    }
  }
  if (outcome === 'unknown_topup')
    ctx.log.warn({ topupId: input.topupId }, 'payment event for a missing top-up');
  await markPaymentEventProcessed({ ctx, input: { id: input.eventId, outcome } });
  return outcome;
}

/** A re-checked refund or dispute, applied: each verb moves only what has not moved yet. */
async function applyReversal(
  ctx: DbContext & { log: Logger },
  topup: TopupRecord,
  reversal: ReversalEvent | IgnoredEvent,
): Promise<string> {
  if (reversal.kind === 'ignored') return `ignored: ${reversal.reason}`;
  const payment = { gateway: topup.gateway, gatewayPaymentId: topup.gatewayPaymentId! };
  const taken = { ...payment, amount: reversal.amount, currency: reversal.currency };
  switch (reversal.kind) {
    case 'refund':
      return `refund_debited ${(await debitTopupRefund({ ctx, input: taken })).debitedIdr}`;
    case 'dispute_opened':
      return `dispute_debited ${(await debitTopupDispute({ ctx, input: taken })).debitedIdr}`;
    case 'dispute_won':
      return `dispute_reversed ${(await reverseDispute({ ctx, input: payment })).recreditedIdr}`;
    case 'dispute_lost':
      // What the dispute took stays taken; one whose opening was re-checked as already lost debits here.
      return `dispute_lost ${(await debitTopupDispute({ ctx, input: taken })).debitedIdr}`;
  }
}
