/**
 * A verified Stripe event → what numpool acts on (specs/payments.md §3.2), and a retrieved charge or
 * dispute → what it says now (the re-check of a refund or dispute). Both are parsed JSON from the
 * network, so every field is checked before it is read; a shape that does not fit is `malformed`.
 */
import {
  type IgnoredEvent,
  type NotificationEvent,
  NotificationRejected,
  type ReversalEvent,
  type StatedAmount,
} from '../gateway-port.ts';
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
      paid: paidOf(object),
    };
  }
  if (type === 'charge.refunded') return refundOf(object);
  if (type === 'charge.dispute.created') {
    const status = requireString(object, 'status');
    // An inquiry (`warning_*`) takes no funds; if it escalates, Stripe opens a new dispute that does.
    if (INQUIRY.has(status)) return { kind: 'ignored', reason: `an inquiry (${status}) takes no funds` };
    return disputeOf('dispute_opened', object);
  }
  if (type === 'charge.dispute.closed') {
    const status = requireString(object, 'status');
    const kind = status === 'won' ? 'dispute_won' : status === 'lost' ? 'dispute_lost' : undefined;
    if (!kind) return { kind: 'ignored', reason: `dispute closed as ${status}` };
    return disputeOf(kind, object);
  }
  return { kind: 'ignored', reason: `event type ${type}` };
}

/** A session the event calls paid: its total (the re-check's is what counts). */
function paidOf(session: Json): StatedAmount | null {
  const cents = session.amount_total;
  const currency = optionalString(session, 'currency');
  if (optionalString(session, 'payment_status') !== 'paid' || !currency) return null;
  if (typeof cents !== 'number' || !Number.isSafeInteger(cents) || cents < 0) return null;
  return { amount: centsToDollars(cents), currency: currency.toUpperCase() };
}

/** A charge (from `charge.refunded`, or retrieved): its cumulative `amount_refunded`. */
export function refundOf(charge: Json): ReversalEvent {
  return {
    kind: 'refund',
    // Charges name the payment intent, not the session: the top-up is found by it (stored when it was
    // credited), else by the metadata the session gave the payment intent.
    gatewayPaymentId: null,
    chargeRef: optionalString(charge, 'payment_intent'),
    reversalRef: requireString(charge, 'id'),
    topupId: topupIdOf(charge),
    amount: centsToDollars(requireCents(charge, 'amount_refunded')),
    currency: requireString(charge, 'currency').toUpperCase(),
  };
}

/** Dispute statuses while it is undecided and its funds are withheld. */
const OPEN_DISPUTE = new Set(['needs_response', 'under_review']);
/** An inquiry's statuses: Stripe withholds nothing for them, so nothing is debited. */
const INQUIRY = new Set(['warning_needs_response', 'warning_under_review', 'warning_closed']);

/** A retrieved dispute: what its status says now — opened, won or lost; anything else moves nothing. */
export function currentDisputeOf(dispute: Json): ReversalEvent | IgnoredEvent {
  const status = requireString(dispute, 'status');
  if (status === 'won') return disputeOf('dispute_won', dispute);
  if (status === 'lost') return disputeOf('dispute_lost', dispute);
  if (OPEN_DISPUTE.has(status)) return disputeOf('dispute_opened', dispute);
  return { kind: 'ignored', reason: `dispute is ${status}` };
}

function disputeOf(kind: ReversalEvent['kind'], dispute: Json): ReversalEvent {
  requireString(dispute, 'status');
  return {
    kind,
    // A dispute's own metadata is empty: its payment intent is what links it to a top-up.
    gatewayPaymentId: null,
    chargeRef: optionalString(dispute, 'payment_intent'),
    reversalRef: requireString(dispute, 'id'),
    topupId: topupIdOf(dispute),
    amount: centsToDollars(requireCents(dispute, 'amount')),
    currency: requireString(dispute, 'currency').toUpperCase(),
  };
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
