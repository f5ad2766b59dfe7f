/**
 * A verified Stripe event → what numpool acts on (specs/payments.md §3.2). The event is parsed JSON from
 * the network, so every field is checked before it is read; a shape that does not fit is `malformed`.
 */
import { type NotificationEvent, NotificationRejected } from '../gateway-port.ts';
import { centsToDollars } from './stripe-money.ts';

type Json = Record<string, unknown>;

const SESSION_EVENTS = new Set([
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
]);

export function mapStripeEvent(type: string, object: Json): NotificationEvent {
  if (SESSION_EVENTS.has(type)) {
    const id = requireString(object, 'id');
    // An unpaid `completed` (delayed methods) is still a `payment` event: the re-check decides.
    return {
      kind: 'payment',
      gatewayPaymentId: id,
      topupId: optionalString(object, 'client_reference_id') ?? topupIdOf(object),
      gatewayStatus: `${type}:${optionalString(object, 'payment_status') ?? 'unknown'}`,
    };
  }
  if (type === 'charge.refunded') {
    return {
      kind: 'refund',
      // Charges name the payment intent, not the session: the top-up is found by it (stored when it was
      // credited), else by the metadata the session gave the payment intent.
      gatewayPaymentId: null,
      chargeRef: optionalString(object, 'payment_intent'),
      topupId: topupIdOf(object),
      amount: centsToDollars(requireCents(object, 'amount_refunded')),
      currency: requireString(object, 'currency').toUpperCase(),
    };
  }
  if (type === 'charge.dispute.created' || type === 'charge.dispute.closed') {
    const status = requireString(object, 'status');
    const kind =
      type === 'charge.dispute.created'
        ? 'dispute_opened'
        : status === 'won'
          ? 'dispute_won'
          : status === 'lost'
            ? 'dispute_lost'
            : undefined;
    if (!kind) return { kind: 'ignored', reason: `dispute closed as ${status}` };
    return {
      kind,
      // A dispute's own metadata is empty: its payment intent is what links it to a top-up.
      gatewayPaymentId: null,
      chargeRef: optionalString(object, 'payment_intent'),
      topupId: topupIdOf(object),
      amount: centsToDollars(requireCents(object, 'amount')),
      currency: requireString(object, 'currency').toUpperCase(),
    };
  }
  return { kind: 'ignored', reason: `event type ${type}` };
}

function topupIdOf(object: Json): string | null {
  const metadata = object.metadata;
  if (metadata === null || typeof metadata !== 'object') return null;
  return optionalString(metadata as Json, 'topup_id');
}

function optionalString(object: Json, key: string): string | null {
  const value = object[key];
  return typeof value === 'string' && value !== '' ? value : null;
}

function requireString(object: Json, key: string): string {
  const value = optionalString(object, key);
  if (value === null) throw new NotificationRejected('malformed', `event object has no ${key}`);
  return value;
}

function requireCents(object: Json, key: string): number {
  const value = object[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw new NotificationRejected('malformed', `event object has no amount in ${key}`);
  return value;
}
