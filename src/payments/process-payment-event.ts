import type { DbContext } from '../platform/db.ts';
import type { Logger } from '../platform/logger.ts';
import { applyPaymentStatus } from './apply-payment-status.ts';
import { debitTopupDispute, debitTopupRefund } from './debit-topup.ts';
import { GatewayError } from './gateway-port.ts';
import { gatewayFor } from './gateway-registry.ts';
import { loadGatewayConfig } from './load-gateway-config.ts';
import type { PaymentEventJob } from './payment-event-queue.ts';
import { markPaymentEventProcessed } from './record-payment-event.ts';
import { reverseDispute } from './reverse-dispute.ts';
import { loadTopup } from './topup.ts';

/**
 * A stored notification, acted on. A payment is re-checked with the gateway's status call and only that
 * answer counts; refunds and disputes (money the gateway has already taken back) debit the wallet, the
 * rest owed going to the account's receivable. A gateway that cannot be reached throws, so the job runs
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
    const payment = { gateway: topup.gateway, gatewayPaymentId: topup.gatewayPaymentId };
    switch (event.kind) {
      case 'payment': {
        const config = await loadGatewayConfig({ ctx, input: { code: topup.gateway } });
        try {
          const status = await gatewayFor(config).fetchStatus({
            gatewayPaymentId: topup.gatewayPaymentId,
            topupId: topup.publicId,
          });
          outcome = await applyPaymentStatus({ ctx, input: { topup, status } });
        } catch (error) {
          if (error instanceof GatewayError && !error.retryable)
            outcome = `gateway_refused: ${error.message}`;
          else throw error;
        }
        break;
      }
      case 'refund':
        outcome = `refund_debited ${(await debitTopupRefund({ ctx, input: { ...payment, amount: event.amount, currency: event.currency } })).debitedIdr}`;
        break;
      case 'dispute_opened':
        outcome = `dispute_debited ${(await debitTopupDispute({ ctx, input: { ...payment, amount: event.amount, currency: event.currency } })).debitedIdr}`;
        break;
      case 'dispute_won':
        outcome = `dispute_reversed ${(await reverseDispute({ ctx, input: payment })).recreditedIdr}`;
        break;
      case 'dispute_lost':
        outcome = 'dispute_lost';
        break;
    }
  }
  if (outcome === 'unknown_topup')
    ctx.log.warn({ topupId: input.topupId }, 'payment event for a missing top-up');
  await markPaymentEventProcessed({ ctx, input: { id: input.eventId, outcome } });
  return outcome;
}
