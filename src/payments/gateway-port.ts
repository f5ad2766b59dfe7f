/**
 * The one port every payment gateway adapter implements (payments/heleket, payments/duitku,
 * payments/stripe). numpool is the merchant: it creates the payment at the gateway, sends the customer
 * there, verifies the gateway's signed notification, then re-checks the payment with the gateway's own
 * status call before anything is credited. Wire formats: specs/payments.md.
 *
 * Adapters speak HTTP only; they hold no state and touch no database. Money crosses the port as decimal
 * strings in the gateway's currency (never floats); converting to IDR is the top-up domain's job.
 */

export const GATEWAY_CODES = ['heleket', 'duitku', 'stripe'] as const;
export type GatewayCode = (typeof GATEWAY_CODES)[number];

/** What an operator configures for a gateway (credentials opened from their sealed form). */
export interface GatewayConfig {
  code: GatewayCode;
  /** The gateway's API origin (the simulator's in sandbox mode and tests). */
  baseUrl: string;
  /**
   * Heleket: `merchant`, `paymentKey`. Duitku: `merchantCode`, `apiKey`. Stripe: `secretKey`,
   * `webhookSecret`.
   */
  credentials: Record<string, string>;
  timeoutMs: number;
}

export interface CreatePaymentInput {
  /** numpool's top-up id, `np-topup-<n>`: the gateway's order id / client reference. */
  topupId: string;
  accountId: number;
  /** Decimal string in `currency` (USD with 2 decimals for Heleket and Stripe; integer IDR for Duitku). */
  amount: string;
  currency: string;
  /** Duitku payment method code (`NQ`, `BC`, …); ignored by the others. */
  method?: string | undefined;
  customerEmail: string;
  /** Where the gateway POSTs notifications: `$NUMPOOL_PUBLIC_URL/hooks/payments/<gateway>`. */
  callbackUrl: string;
  /** Where the customer's browser returns. */
  returnUrl: string;
  /**
   * When the top-up stops being payable, fixed once on the top-up record: a retried create sends the
   * same parameters (Stripe refuses an idempotency key reused with a different body).
   */
  expiresAt: Date;
}

export interface CreatedPayment {
  /** Heleket `uuid`, Duitku `reference`, Stripe session `id`. */
  gatewayPaymentId: string;
  paymentUrl: string | null;
  /** Duitku QRIS EMV payload. */
  qrString: string | null;
  /** Duitku virtual-account number. */
  vaNumber: string | null;
  expiresAt: Date | null;
}

/**
 * A payment as the gateway's status call reports it, mapped to numpool's terms:
 * `pending` (nothing final yet), `paid` (final and successful: credit `paidAmount`), `failed`,
 * `expired`, `refunded` (money returned to the payer), `review` (final, but not something to credit
 * automatically: Heleket `locked`, amounts that disagree).
 */
export type PaymentState = 'pending' | 'paid' | 'failed' | 'expired' | 'refunded' | 'review';

export interface PaymentStatus {
  gatewayPaymentId: string;
  topupId: string;
  state: PaymentState;
  /** What was actually paid, decimal string in `paidCurrency` (null until paid). */
  paidAmount: string | null;
  paidCurrency: string | null;
  /**
   * The gateway's id of the charge behind the payment, where refunds and disputes name that instead of
   * the payment (Stripe: the session's payment intent); null for the others, or until paid.
   */
  chargeRef: string | null;
  /** The gateway's own status words, for the operator and the logs. */
  gatewayStatus: string;
}

/**
 * A payment as a gateway's list call reports it: the same terms as a re-check, but it may name no top-up
 * (`topupId` is whatever the payment carries as numpool's reference, null when it carries none).
 */
export interface ListedPayment extends Omit<PaymentStatus, 'topupId'> {
  topupId: string | null;
}

/** Money a gateway took back from a payment: a refund, or a dispute opened, won or lost. */
export interface ReversalEvent {
  kind: 'refund' | 'dispute_opened' | 'dispute_won' | 'dispute_lost';
  gatewayPaymentId: string | null;
  /** The charge it takes money from (Stripe: the payment intent), as PaymentStatus.chargeRef names it. */
  chargeRef: string | null;
  /**
   * The gateway's id of what to re-check it by (Stripe: the refunded charge `ch_…`, the dispute `du_…`);
   * null where the gateway has no such call.
   */
  reversalRef: string | null;
  topupId: string | null;
  /** Decimal string in `currency`: the refunded or disputed amount (cumulative for Stripe refunds). */
  amount: string;
  currency: string;
}

/** A verified event numpool does not act on (answered 2xx, ignored). */
export interface IgnoredEvent {
  kind: 'ignored';
  reason: string;
}

/** Money as a notification or a status call states it: a decimal string in `currency`. */
export interface StatedAmount {
  amount: string;
  currency: string;
}

/** A notification about a payment: which one, and what it claims. */
export interface PaymentNotice {
  kind: 'payment';
  gatewayPaymentId: string | null;
  topupId: string | null;
  gatewayStatus: string;
  /**
   * What the notification says was paid, when it says the payment is final and successful (null
   * otherwise). Never credited: the re-check's amount is; one that disagrees sends the top-up to review.
   */
  paid?: StatedAmount | null;
}

/** What a verified notification says happened; the top-up domain re-checks before acting on it. */
export type NotificationEvent = PaymentNotice | ReversalEvent | IgnoredEvent;

export interface VerifiedNotification {
  /** Dedupe key: Heleket `uuid:status`, Duitku `reference:resultCode`, Stripe `event.id`. */
  eventKey: string;
  event: NotificationEvent;
}

export interface IncomingNotification {
  /** The exact bytes received (signatures are over them). */
  rawBody: Buffer;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  receivedAt: Date;
}

/** A notification that must not be acted on; `status` is what to answer the gateway. */
export class NotificationRejected extends Error {
  /** `too_early`: verified, but about a top-up not credited yet — answered so the gateway sends it again. */
  readonly reason: 'bad_signature' | 'wrong_merchant' | 'malformed' | 'stale' | 'too_early';
  readonly status: 400 | 404 | 409;
  constructor(reason: NotificationRejected['reason'], message: string, status: 400 | 404 | 409 = 400) {
    super(message);
    this.name = 'NotificationRejected';
    this.reason = reason;
    this.status = status;
  }
}

/** A gateway that refused a call or could not be reached; `retryable` for transport errors and 5xx. */
export class GatewayError extends Error {
  readonly retryable: boolean;
  readonly gatewayMessage: string | undefined;
  constructor(message: string, options: { retryable: boolean; gatewayMessage?: string | undefined }) {
    super(message);
    this.name = 'GatewayError';
    this.retryable = options.retryable;
    this.gatewayMessage = options.gatewayMessage;
  }
}

/** The answer the gateway expects once a notification is stored (or refused). */
export interface NotificationAnswer {
  status: number;
  contentType: string;
  body: string;
}

export interface PaymentGateway {
  readonly code: GatewayCode;
  createPayment(input: CreatePaymentInput): Promise<CreatedPayment>;
  /** The re-check: the gateway's own status call for one payment. */
  fetchStatus(payment: { gatewayPaymentId: string; topupId: string }): Promise<PaymentStatus>;
  /**
   * The gateway's own list of the payments created since `window.since`, newest first, for gateways
   * that have one (Stripe; Heleket and Duitku do not): the reconciler then learns of a paid payment
   * without a status call per top-up, and of paid payments numpool has no top-up for. Pages are
   * fetched as the iteration goes; iterating throws GatewayError like the other calls.
   */
  listPayments?(window: { since: Date }): AsyncIterable<ListedPayment>;
  /**
   * The re-check of a refund or dispute (by its `reversalRef`): what the gateway reports now — amount,
   * and for a dispute its state, which decides the kind. Gateways without such a call leave it out, and
   * the notification's word is used.
   */
  fetchReversal?(reversal: ReversalEvent): Promise<ReversalEvent | IgnoredEvent>;
  /** Verifies signature and merchant; throws NotificationRejected. No network. */
  verifyNotification(notification: IncomingNotification): VerifiedNotification;
  /** The 2xx body this gateway expects for an accepted notification, and the refusal for a rejected one. */
  answer(outcome: 'accepted' | NotificationRejected): NotificationAnswer;
}
