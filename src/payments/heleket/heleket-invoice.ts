/** Reading Heleket's invoice object (specs/payments.md §1.3) into the port's terms. */
import Big from 'big.js';
import { GatewayError, type PaymentStatus } from '../gateway-port.ts';
import { isRecord } from './heleket-request.ts';
import { heleketState } from './heleket-statuses.ts';

const DECIMAL = /^\d{1,18}(\.\d{1,18})?$/;

export function isDecimalString(value: unknown): value is string {
  return typeof value === 'string' && DECIMAL.test(value);
}

export interface HeleketInvoice {
  uuid: string;
  orderId: string;
  status: string;
  isFinal: boolean | undefined;
  paymentAmountUsd: string | null;
  url: string | null;
  expiredAt: number | null;
}

/** The fields numpool relies on; anything else missing is tolerated. */
export function readHeleketInvoice(result: unknown, call: string): HeleketInvoice {
  const status = isRecord(result) ? (result.payment_status ?? result.status) : undefined;
  if (
    !isRecord(result) ||
    typeof result.uuid !== 'string' ||
    typeof result.order_id !== 'string' ||
    typeof status !== 'string'
  ) {
    throw new GatewayError(`Heleket ${call} returned no invoice (uuid, order_id, status)`, {
      retryable: false,
    });
  }
  return {
    uuid: result.uuid,
    orderId: result.order_id,
    status,
    isFinal: typeof result.is_final === 'boolean' ? result.is_final : undefined,
    paymentAmountUsd: isDecimalString(result.payment_amount_usd) ? usdCents(result.payment_amount_usd) : null,
    url: typeof result.url === 'string' ? result.url : null,
    expiredAt: typeof result.expired_at === 'number' ? result.expired_at : null,
  };
}

export function paymentStatusOf(invoice: HeleketInvoice): PaymentStatus {
  const state = heleketState(invoice.status, invoice.isFinal, invoice.paymentAmountUsd !== null);
  const paid = state === 'paid' || state === 'review' || state === 'refunded';
  return {
    gatewayPaymentId: invoice.uuid,
    topupId: invoice.orderId,
    state,
    paidAmount: paid ? invoice.paymentAmountUsd : null,
    paidCurrency: paid && invoice.paymentAmountUsd !== null ? 'USD' : null,
    // Heleket refunds name the invoice itself.
    chargeRef: null,
    gatewayStatus: invoice.status,
  };
}

/**
 * A paid USD amount in cents, rounded half up: Heleket converts crypto to USD with more decimals than
 * cents, and top-ups record and convert cents (at most half a cent from the exact product).
 */
export function usdCents(amount: string): string {
  return new Big(amount).round(2, Big.roundHalfUp).toFixed(2);
}

/** `10` → `10.00`, `9.5` → `9.50`; more than two significant decimals is refused, never rounded. */
export function usdTwoDecimals(amount: string): string {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(amount);
  const decimals = (match?.[2] ?? '').replace(/0+$/, '');
  if (!match || decimals.length > 2) throw new RangeError(`not a USD amount with two decimals: ${amount}`);
  return `${BigInt(match[1]!).toString()}.${decimals.padEnd(2, '0')}`;
}
