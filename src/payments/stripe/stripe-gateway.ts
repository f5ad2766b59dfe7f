/**
 * Stripe Checkout through the official `stripe` library (specs/payments.md §3). One client per adapter,
 * pointed at `baseUrl` (the simulator in sandbox mode and tests) and never retrying on its own: the
 * top-up job decides when to try again, and `idempotencyKey: topupId` makes a second create return the
 * first session. Refunds and disputes are re-read (`charges.retrieve`, `disputes.retrieve`) before any
 * debit, like payments are.
 *
 * Stripe has no per-payment notification URL: events go to the endpoint configured at Stripe (or with
 * the simulator's control API), so `callbackUrl` is not sent. Stripe can list recent sessions, so the
 * reconciler reads that list (listPayments) instead of retrieving each session.
 */
import Stripe from 'stripe';
import {
  type CreatedPayment,
  type CreatePaymentInput,
  type GatewayConfig,
  GatewayError,
  type IgnoredEvent,
  type IncomingNotification,
  type ListedPayment,
  type NotificationAnswer,
  NotificationRejected,
  type PaymentGateway,
  type PaymentState,
  type PaymentStatus,
  type ReversalEvent,
  type VerifiedNotification,
} from '../gateway-port.ts';
import { currentDisputeOf, mapStripeEvent, refundOf } from './map-stripe-event.ts';
import { centsToDollars, dollarsToCents } from './stripe-money.ts';

/** Currencies whose Stripe amounts are not in hundredths; numpool's decimal amounts do not fit them. */
const ZERO_DECIMAL = new Set('BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF'.split(' '));

const PRODUCT_NAME = 'numpool balance top-up';
/** Stripe's largest list page. */
const LIST_PAGE = 100;

export function createStripeGateway(config: GatewayConfig): PaymentGateway {
  const secretKey = config.credentials.secretKey;
  const webhookSecret = config.credentials.webhookSecret;
  if (!secretKey || !webhookSecret) throw new Error('stripe gateway needs secretKey and webhookSecret');
  const keyIsLive = /^(sk|rk)_live_/.test(secretKey);
  const stripe = new Stripe(secretKey, {
    ...clientLocation(config.baseUrl),
    timeout: config.timeoutMs,
    maxNetworkRetries: 0,
  });

  return {
    code: 'stripe',

    async createPayment(input: CreatePaymentInput): Promise<CreatedPayment> {
      const currency = input.currency.toUpperCase();
      const cents = dollarsToCents(input.amount);
      if (cents === undefined || cents === 0 || ZERO_DECIMAL.has(currency))
        throw new GatewayError(`cannot charge ${input.amount} ${input.currency} with Stripe`, {
          retryable: false,
        });
      // Stripe refuses an idempotency key reused with other parameters, so `expires_at` is the top-up's own
      // fixed expiry, never derived from the clock here. Stripe takes 30 minutes to 24 hours ahead: a
      // top-up's lifetime is within that, and a late first create is refused by Stripe, not moved.
      const expiresAt = Math.floor(input.expiresAt.getTime() / 1000);
      const session = await call(() =>
        stripe.checkout.sessions.create(
          {
            mode: 'payment',
            line_items: [
              {
                price_data: {
                  currency: currency.toLowerCase(),
                  unit_amount: cents,
                  product_data: { name: PRODUCT_NAME },
                },
                quantity: 1,
              },
            ],
            client_reference_id: input.topupId,
            customer_email: input.customerEmail,
            metadata: { topup_id: input.topupId, account_id: String(input.accountId) },
            payment_intent_data: { metadata: { topup_id: input.topupId } },
            success_url: withSessionPlaceholder(input.returnUrl),
            cancel_url: input.returnUrl,
            expires_at: expiresAt,
          },
          { idempotencyKey: input.topupId },
        ),
      );
      return {
        gatewayPaymentId: session.id,
        paymentUrl: session.url,
        qrString: null,
        vaNumber: null,
        expiresAt: new Date(session.expires_at * 1000),
      };
    },

    async fetchStatus(payment): Promise<PaymentStatus> {
      // The payment intent tells a delayed payment still settling from one that failed.
      const session = await call(() =>
        stripe.checkout.sessions.retrieve(payment.gatewayPaymentId, { expand: ['payment_intent'] }),
      );
      const status = sessionStatus(session);
      // A session that names another top-up is never credited automatically.
      const state = status.topupId === payment.topupId ? status.state : 'review';
      return { ...status, topupId: payment.topupId, state };
    },

    async *listPayments(window): AsyncIterable<ListedPayment> {
      // The library's auto-pagination: pages of 100, each asked for `starting_after` the previous one.
      const sessions = stripe.checkout.sessions.list({
        created: { gte: Math.floor(window.since.getTime() / 1000) },
        limit: LIST_PAGE,
        expand: ['data.payment_intent'],
      });
      try {
        for await (const session of sessions) yield sessionStatus(session);
      } catch (error) {
        throw gatewayError(error);
      }
    },

    async fetchReversal(reversal: ReversalEvent): Promise<ReversalEvent | IgnoredEvent> {
      const ref = reversal.reversalRef;
      if (!ref) throw new GatewayError('a Stripe refund or dispute without its id', { retryable: false });
      if (reversal.kind === 'refund') {
        const charge = await call(() => stripe.charges.retrieve(ref));
        return retrieved('charge', () => refundOf(charge as unknown as Record<string, unknown>));
      }
      const dispute = await call(() => stripe.disputes.retrieve(ref));
      return retrieved('dispute', () => currentDisputeOf(dispute as unknown as Record<string, unknown>));
    },

    verifyNotification(notification: IncomingNotification): VerifiedNotification {
      const header = notification.headers['stripe-signature'];
      if (!header) throw new NotificationRejected('bad_signature', 'no Stripe-Signature header');
      let event: unknown;
      try {
        // The library's default tolerance (300 s), measured from when the notification arrived.
        event = stripe.webhooks.constructEvent(
          notification.rawBody,
          header,
          webhookSecret,
          Stripe.webhooks.DEFAULT_TOLERANCE,
          undefined,
          notification.receivedAt.getTime(),
        );
      } catch (error) {
        if (error instanceof Stripe.errors.StripeSignatureVerificationError)
          throw new NotificationRejected('bad_signature', error.message);
        throw new NotificationRejected('malformed', 'the signed body is not a JSON event');
      }
      const { id, type, livemode, object } = eventParts(event);
      if (livemode !== keyIsLive)
        throw new NotificationRejected(
          'wrong_merchant',
          `a ${livemode ? 'live' : 'test'} mode event for a ${keyIsLive ? 'live' : 'test'} key`,
        );
      return { eventKey: id, event: mapStripeEvent(type, object) };
    },

    answer(outcome): NotificationAnswer {
      if (outcome === 'accepted')
        return { status: 200, contentType: 'application/json', body: JSON.stringify({ received: true }) };
      return {
        status: outcome.status,
        contentType: 'application/json',
        body: JSON.stringify({ error: outcome.reason }),
      };
    },
  };
}

/**
 * A session in numpool's terms: paid once complete and paid; expired; failed when it completed unpaid
 * and its (expanded) payment intent went back to wanting a payment method or was canceled — a delayed
 * method that failed (§3.2 `async_payment_failed`); else still pending.
 */
function sessionStatus(session: Stripe.Checkout.Session): ListedPayment {
  const intent = typeof session.payment_intent === 'object' ? session.payment_intent : null;
  const state = sessionState(session, intent?.status);
  const paid = state === 'paid';
  return {
    gatewayPaymentId: session.id,
    topupId: session.client_reference_id,
    state,
    paidAmount: paid && session.amount_total !== null ? centsToDollars(session.amount_total) : null,
    paidCurrency: paid && session.currency ? session.currency.toUpperCase() : null,
    chargeRef: paymentIntentOf(session),
    gatewayStatus: `${session.status ?? 'unknown'}/${session.payment_status}${intent ? `/${intent.status}` : ''}`,
  };
}

function sessionState(session: Stripe.Checkout.Session, intentStatus: string | undefined): PaymentState {
  if (session.status === 'complete' && session.payment_status === 'paid') return 'paid';
  const intentFailed = intentStatus === 'requires_payment_method' || intentStatus === 'canceled';
  if (session.status === 'complete' && session.payment_status === 'unpaid' && intentFailed) return 'failed';
  return session.status === 'expired' ? 'expired' : 'pending';
}

/** A retrieved object that does not read as one is the gateway's fault, not a notification's. */
function retrieved<T>(what: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof NotificationRejected)
      throw new GatewayError(`stripe returned an unreadable ${what}: ${error.message}`, { retryable: false });
    throw error;
  }
}

/** The session's payment intent: an id, or the object when expanded; null until the customer pays. */
function paymentIntentOf(session: Stripe.Checkout.Session): string | null {
  const intent = session.payment_intent;
  return typeof intent === 'string' ? intent : (intent?.id ?? null);
}

/** The library takes a host, port and protocol, not a URL; any path in `baseUrl` is ignored. */
function clientLocation(baseUrl: string): { host: string; port: number; protocol: 'http' | 'https' } {
  const url = new URL(baseUrl);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  const port = url.port ? Number(url.port) : protocol === 'http' ? 80 : 443;
  return { host: url.hostname, port, protocol };
}

/** Stripe substitutes the literal `{CHECKOUT_SESSION_ID}`, so it must not be percent-encoded. */
function withSessionPlaceholder(returnUrl: string): string {
  return `${returnUrl}${returnUrl.includes('?') ? '&' : '?'}session_id={CHECKOUT_SESSION_ID}`;
}

function eventParts(event: unknown): {
  id: string;
  type: string;
  livemode: boolean;
  object: Record<string, unknown>;
} {
  if (event !== null && typeof event === 'object') {
    const { id, type, livemode, data } = event as Record<string, unknown>;
    const object =
      data !== null && typeof data === 'object' ? (data as Record<string, unknown>).object : undefined;
    if (
      typeof id === 'string' &&
      id !== '' &&
      typeof type === 'string' &&
      typeof livemode === 'boolean' &&
      object !== null &&
      typeof object === 'object' &&
      !Array.isArray(object)
    )
      return { id, type, livemode, object: object as Record<string, unknown> };
  }
  throw new NotificationRejected('malformed', 'not a Stripe event');
}

/** Library errors → GatewayError: transport failures, 429 and 5xx may be retried; other 4xx may not. */
async function call<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw gatewayError(error);
  }
}

function gatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error instanceof Stripe.errors.StripeConnectionError)
    return new GatewayError(`stripe unreachable: ${error.message}`, { retryable: true });
  if (error instanceof Stripe.errors.StripeError) {
    const status = error.statusCode;
    const retryable = status === undefined || status >= 500 || status === 429;
    return new GatewayError(`stripe answered ${status ?? 'an error'}: ${error.message}`, {
      retryable,
      gatewayMessage: error.message,
    });
  }
  return new GatewayError(`stripe call failed: ${String(error)}`, { retryable: true });
}
