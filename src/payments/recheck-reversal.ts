/**
 * A refund or dispute notification, re-checked with the gateway before any money moves, as payments are:
 * the gateway's current amount and, for a dispute, its current state decide what is done. So a stale or
 * replayed amount is never used, and an "opened" that arrives after the dispute was won re-credits rather
 * than debits (both verbs move only what is not moved yet, so every order of arrival ends the same). A
 * gateway without such a call leaves the notification's word (Duitku has no refunds to re-check). What
 * the gateway re-reads must be about the top-up's own charge, or nothing moves.
 */
import type { Logger } from '../platform/logger.ts';
import type { IgnoredEvent, PaymentGateway, ReversalEvent } from './gateway-port.ts';
import type { TopupRecord } from './topup.ts';

export async function recheckReversal({
  ctx,
  input,
}: {
  ctx: { log: Logger };
  input: { gateway: PaymentGateway; topup: TopupRecord; event: ReversalEvent };
}): Promise<ReversalEvent | IgnoredEvent> {
  const { gateway, topup, event } = input;
  if (!gateway.fetchReversal) return event;
  const current = await gateway.fetchReversal(event);
  if (
    current.kind !== 'ignored' &&
    topup.gatewayChargeRef !== null &&
    current.chargeRef !== topup.gatewayChargeRef
  ) {
    ctx.log.error(
      { topup: topup.publicId, chargeRef: current.chargeRef, reversalRef: event.reversalRef },
      'payment reversal: the gateway re-reads it against another charge; nothing moved',
    );
    return { kind: 'ignored', reason: 'the gateway reports another charge' };
  }
  return current;
}
