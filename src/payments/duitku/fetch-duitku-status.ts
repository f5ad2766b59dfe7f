/**
 * The re-check (specs/payments.md §2.4, `POST /webapi/api/merchant/transactionStatus`): `00` paid (final),
 * `01` pending, `02` failed, cancelled or expired (final). The paid amount is the one this call reports,
 * never the callback's. An answer naming another transaction, or an amount that is not whole rupiah,
 * goes to review instead of being credited.
 */
import { GatewayError, type PaymentStatus } from '../gateway-port.ts';
import { field, postDuitku } from './duitku-http.ts';
import { type DuitkuKeys, statusSignature } from './duitku-signature.ts';

export async function fetchDuitkuStatus({
  keys,
  http,
  payment,
}: {
  keys: DuitkuKeys;
  http: { baseUrl: string; timeoutMs: number };
  payment: { gatewayPaymentId: string; topupId: string };
}): Promise<PaymentStatus> {
  const body = {
    merchantCode: keys.merchantCode,
    merchantOrderId: payment.topupId,
    signature: statusSignature(keys, { merchantOrderId: payment.topupId }),
  };
  const answer = await postDuitku({
    ...http,
    path: '/webapi/api/merchant/transactionStatus',
    body,
    what: 'transactionStatus',
  });
  const statusCode = field(answer, 'statusCode');
  if (statusCode === null)
    throw new GatewayError('Duitku transactionStatus: answer without a statusCode', {
      retryable: true,
      gatewayMessage: field(answer, 'statusMessage') ?? undefined,
    });
  const gatewayStatus = `${statusCode} ${field(answer, 'statusMessage') ?? ''}`.trim();
  const base = {
    gatewayPaymentId: payment.gatewayPaymentId,
    topupId: payment.topupId,
    chargeRef: null,
    gatewayStatus,
  };
  const pending: PaymentStatus = { ...base, state: 'pending', paidAmount: null, paidCurrency: null };
  const orderId = field(answer, 'merchantOrderId');
  const reference = field(answer, 'reference');
  const sameTransaction =
    (orderId === null || orderId === payment.topupId) &&
    (reference === null || reference === '' || reference === payment.gatewayPaymentId);
  switch (statusCode) {
    case '00': {
      const amount = wholeRupiah(field(answer, 'amount'));
      if (!sameTransaction || amount === null)
        return { ...base, state: 'review', paidAmount: null, paidCurrency: null };
      return { ...base, state: 'paid', paidAmount: amount, paidCurrency: 'IDR' };
    }
    case '01':
      return pending;
    case '02':
      return { ...base, state: 'failed', paidAmount: null, paidCurrency: null };
    default:
      // A code the contract does not name is not final: keep polling until the top-up expires.
      return pending;
  }
}

/** `150000` or `150000.00` → `150000`; anything else (fractions of a rupiah, garbage) → null. */
function wholeRupiah(amount: string | null): string | null {
  const match = amount?.match(/^(\d{1,15})(?:\.0{1,2})?$/);
  if (!match) return null;
  return match[1]!.replace(/^0+(?=\d)/, '');
}
