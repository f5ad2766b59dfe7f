/**
 * The Heleket adapter (specs/payments.md §1): USD invoices, the info call as the re-check, signed
 * webhooks. Stateless; the only I/O is HTTP to `config.baseUrl`.
 */
import {
  type CreatedPayment,
  type CreatePaymentInput,
  type GatewayConfig,
  GatewayError,
  type IgnoredEvent,
  type NotificationAnswer,
  NotificationRejected,
  type PaymentGateway,
  type ReversalEvent,
} from '../gateway-port.ts';
import { paymentStatusOf, readHeleketInvoice, usdTwoDecimals } from './heleket-invoice.ts';
import { verifyHeleketNotification } from './heleket-notification.ts';
import { callHeleket, heleketCredentials } from './heleket-request.ts';

const MIN_LIFETIME_S = 300;
const MAX_LIFETIME_S = 43_200;

function usdAmountOf(amount: string): string {
  try {
    return usdTwoDecimals(amount);
  } catch (error) {
    throw new GatewayError((error as Error).message, { retryable: false });
  }
}

export function createHeleketGateway(
  config: GatewayConfig,
  options: { now?: () => Date } = {},
): PaymentGateway {
  const { paymentKey } = heleketCredentials(config);
  const now = options.now ?? (() => new Date());

  /** The info call about one invoice; it must be about the same top-up, or it proves nothing. */
  async function info(uuid: string | null, topupId: string | null) {
    const params = uuid ? { uuid } : { order_id: topupId };
    const invoice = readHeleketInvoice(
      await callHeleket({ config, path: '/v1/payment/info', params }),
      '/v1/payment/info',
    );
    if ((topupId !== null && invoice.orderId !== topupId) || (uuid && invoice.uuid !== uuid)) {
      throw new GatewayError('Heleket info names another payment', { retryable: false });
    }
    return invoice;
  }

  return {
    code: 'heleket',

    async createPayment(input: CreatePaymentInput): Promise<CreatedPayment> {
      if (input.currency !== 'USD') {
        throw new GatewayError(`Heleket invoices are in USD, not ${input.currency}`, { retryable: false });
      }
      // Heleket takes a lifetime, not a time: counted from now (it keys invoices by order_id, not by body).
      const left = Math.round((input.expiresAt.getTime() - now().getTime()) / 1000);
      const lifetime = Math.min(MAX_LIFETIME_S, Math.max(MIN_LIFETIME_S, left));
      const result = await callHeleket({
        config,
        path: '/v1/payment',
        params: {
          amount: usdAmountOf(input.amount),
          currency: 'USD',
          order_id: input.topupId,
          url_callback: input.callbackUrl,
          url_return: input.returnUrl,
          url_success: input.returnUrl,
          lifetime,
          additional_data: `acct:${input.accountId}`,
        },
      });
      const invoice = readHeleketInvoice(result, '/v1/payment');
      if (invoice.orderId !== input.topupId) {
        throw new GatewayError('Heleket answered with another order_id', { retryable: false });
      }
      return {
        gatewayPaymentId: invoice.uuid,
        paymentUrl: invoice.url,
        qrString: null,
        vaNumber: null,
        expiresAt: invoice.expiredAt === null ? null : new Date(invoice.expiredAt * 1000),
      };
    },

    async fetchStatus(payment) {
      return paymentStatusOf(await info(payment.gatewayPaymentId, payment.topupId));
    },

    async fetchReversal(reversal: ReversalEvent): Promise<ReversalEvent | IgnoredEvent> {
      if (reversal.kind !== 'refund' || !reversal.gatewayPaymentId)
        return { kind: 'ignored', reason: 'Heleket takes money back only by refunding an invoice' };
      const invoice = await info(reversal.gatewayPaymentId, reversal.topupId);
      const status = paymentStatusOf(invoice);
      if (status.state !== 'refunded') {
        // Heleket signed a refund its own info call does not show yet: asked again later, never guessed.
        throw new GatewayError(`Heleket info reports ${invoice.status}, not refund_paid`, {
          retryable: true,
        });
      }
      // A refund gives back the whole invoice: its paid amount as the info call reports it.
      return { ...reversal, amount: status.paidAmount ?? reversal.amount, currency: 'USD' };
    },

    verifyNotification(notification) {
      try {
        return verifyHeleketNotification(notification, paymentKey);
      } catch (error) {
        // Whatever the bytes, the caller gets a refusal it can answer, never an internal error.
        if (error instanceof NotificationRejected) throw error;
        throw new NotificationRejected('malformed', 'webhook could not be read');
      }
    },

    answer(outcome: 'accepted' | NotificationRejected): NotificationAnswer {
      if (outcome === 'accepted')
        return { status: 200, contentType: 'application/json', body: '{"ok":true}' };
      return {
        status: outcome.status,
        contentType: 'application/json',
        body: JSON.stringify({ ok: false, error: outcome.reason }),
      };
    },
  };
}
