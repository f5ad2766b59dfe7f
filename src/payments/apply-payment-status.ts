import type { DbContext } from '../platform/db.ts';
import type { Logger } from '../platform/logger.ts';
import { creditTopup } from './credit-topup.ts';
import type { PaymentStatus, StatedAmount } from './gateway-port.ts';
import { markTopupExpired, markTopupFailed, markTopupReview } from './mark-topup-status.ts';
import { creditedNotPaidDetail, recordPaymentMismatch } from './payment-mismatch.ts';
import { sameAmount } from './same-amount.ts';
import type { TopupRecord } from './topup.ts';

/**
 * What a re-checked status means for a top-up — the gateway's status call, never a notification's word:
 * paid → credit what was paid (once), unless the notification acted on states another amount (then an
 * operator decides, specs/payments.md §4.3); failed, expired → so marked; review → an operator decides;
 * pending and refunded → nothing here (refunds arrive as their own events). A credited top-up the
 * gateway now reports failed or expired is a payment mismatch, recorded for operators. Returns what was
 * done.
 */
export async function applyPaymentStatus({
  ctx,
  input,
}: {
  ctx: DbContext & { log: Logger };
  input: {
    topup: TopupRecord;
    status: PaymentStatus;
    /** What the notification being acted on says was paid (none for a reconciliation's re-check). */
    notified?: StatedAmount | null;
  };
}): Promise<string> {
  const { topup, status } = input;
  // An operator rejected it after review: what the gateway says later is theirs to settle, not ours.
  if (topup.reviewDecision === 'reject') {
    if (status.state === 'paid')
      ctx.log.warn(
        { topup: topup.publicId, gatewayStatus: status.gatewayStatus },
        'a rejected top-up is paid',
      );
    return 'rejected';
  }
  // The top-up's own payment id; the gateway's answer only fills it in when none is stored yet.
  const payment = {
    gateway: topup.gateway,
    gatewayPaymentId: topup.gatewayPaymentId ?? status.gatewayPaymentId,
  };
  if (
    status.topupId !== topup.publicId ||
    (topup.gatewayPaymentId && topup.gatewayPaymentId !== status.gatewayPaymentId)
  ) {
    await markTopupReview({
      ctx,
      input: { ...payment, reason: 'the gateway reports another payment' },
    });
    return 'review';
  }
  switch (status.state) {
    case 'paid': {
      if (topup.status === 'review') return 'review';
      if (!status.paidAmount || !status.paidCurrency) {
        await markTopupReview({ ctx, input: { ...payment, reason: 'paid without an amount' } });
        return 'review';
      }
      const paid = { amount: status.paidAmount, currency: status.paidCurrency };
      if (input.notified && !sameAmount(input.notified, paid)) {
        const disagreement = `the notification says ${input.notified.amount} ${input.notified.currency} was paid, the status call ${paid.amount} ${paid.currency}`;
        // Credited already (by the status call's amount): that stands, and the note is for the logs.
        if (topup.status === 'credited') {
          ctx.log.warn({ topup: topup.publicId, gateway: topup.gateway }, disagreement);
          return 'already_credited';
        }
        ctx.log.warn({ topup: topup.publicId, gateway: topup.gateway }, `top-up to review: ${disagreement}`);
        await markTopupReview({ ctx, input: { ...payment, reason: disagreement } });
        return 'review';
      }
      const credited = await creditTopup({
        ctx,
        input: {
          ...payment,
          paidAmount: status.paidAmount,
          paidCurrency: status.paidCurrency,
          chargeRef: status.chargeRef,
        },
      });
      return credited.replayed ? 'already_credited' : 'credited';
    }
    case 'failed':
      if (topup.status === 'credited') return reportMismatch(ctx, topup, status);
      if (topup.status !== 'failed')
        await markTopupFailed({ ctx, input: { ...payment, reason: status.gatewayStatus } });
      return 'failed';
    case 'expired':
      if (topup.status === 'credited') return reportMismatch(ctx, topup, status);
      if (topup.status !== 'expired')
        await markTopupExpired({ ctx, input: { ...payment, reason: status.gatewayStatus } });
      return 'expired';
    case 'review':
      if (topup.status !== 'review' && topup.status !== 'credited')
        await markTopupReview({ ctx, input: { ...payment, reason: status.gatewayStatus } });
      return 'review';
    default:
      return status.state;
  }
}

/** A credited top-up the gateway no longer reports as paid: for an operator, never an automatic debit. */
async function reportMismatch(
  ctx: DbContext & { log: Logger },
  topup: TopupRecord,
  status: PaymentStatus,
): Promise<string> {
  ctx.log.error(
    { topup: topup.publicId, gateway: topup.gateway, gatewayStatus: status.gatewayStatus },
    'payment mismatch: a credited top-up is not paid at the gateway',
  );
  await recordPaymentMismatch({
    ctx,
    input: {
      gateway: topup.gateway,
      gatewayPaymentId: topup.gatewayPaymentId ?? status.gatewayPaymentId,
      topupId: topup.id,
      kind: 'credited_not_paid',
      detail: creditedNotPaidDetail(topup.publicId, status),
    },
  });
  return 'mismatch';
}
