/**
 * Creates a Duitku transaction (specs/payments.md §2.2, `POST /webapi/api/merchant/v2/inquiry`).
 * Checks everything Duitku would refuse before the call, so a bad input is a non-retryable GatewayError
 * and not a round trip.
 */
import { type CreatedPayment, type CreatePaymentInput, GatewayError } from '../gateway-port.ts';
import { field, postDuitku } from './duitku-http.ts';
import { type DuitkuKeys, inquirySignature } from './duitku-signature.ts';

export const DUITKU_PRODUCT_DETAILS = 'numpool balance top-up';
/** The name a bank shows for a virtual account (≤20 characters); Duitku requires it for VA methods. */
const VA_NAME = 'numpool';

export async function createDuitkuPayment({
  keys,
  http,
  input,
  now = new Date(),
}: {
  keys: DuitkuKeys;
  http: { baseUrl: string; timeoutMs: number };
  input: CreatePaymentInput;
  now?: Date;
}): Promise<CreatedPayment> {
  const refuse = (message: string) => new GatewayError(`Duitku inquiry: ${message}`, { retryable: false });
  if (!input.method) throw refuse('a payment method code is required');
  if (!/^[A-Z0-9]{2}$/.test(input.method)) throw refuse('the payment method is not a Duitku code');
  if (input.currency !== 'IDR') throw refuse('Duitku takes IDR only');
  if (!/^[1-9]\d{0,14}$/.test(input.amount)) throw refuse('the amount must be whole rupiah');
  if (input.topupId.length === 0 || input.topupId.length > 50)
    throw refuse('merchantOrderId must be 1-50 chars');
  const paymentAmount = Number(input.amount);
  // Duitku takes minutes from its receipt of the request, so they are counted from now.
  const expiryMinutes = Math.max(1, Math.ceil((input.expiresAt.getTime() - now.getTime()) / 60_000));
  const body = {
    merchantCode: keys.merchantCode,
    paymentAmount,
    paymentMethod: input.method,
    merchantOrderId: input.topupId,
    productDetails: DUITKU_PRODUCT_DETAILS,
    email: input.customerEmail,
    customerVaName: VA_NAME,
    merchantUserInfo: `acct-${input.accountId}`,
    itemDetails: [{ name: DUITKU_PRODUCT_DETAILS, price: paymentAmount, quantity: 1 }],
    callbackUrl: input.callbackUrl,
    returnUrl: input.returnUrl,
    expiryPeriod: expiryMinutes,
    signature: inquirySignature(keys, { merchantOrderId: input.topupId, paymentAmount: input.amount }),
  };
  const answer = await postDuitku({
    ...http,
    path: '/webapi/api/merchant/v2/inquiry',
    body,
    what: 'inquiry',
  });
  const statusCode = field(answer, 'statusCode');
  if (statusCode !== null && statusCode !== '00')
    throw new GatewayError(`Duitku inquiry: status ${statusCode.slice(0, 10)}`, {
      retryable: false,
      gatewayMessage: field(answer, 'statusMessage') ?? undefined,
    });
  const reference = field(answer, 'reference');
  if (!reference) throw new GatewayError('Duitku inquiry: answer without a reference', { retryable: false });
  return {
    gatewayPaymentId: reference,
    paymentUrl: field(answer, 'paymentUrl') || null,
    qrString: field(answer, 'qrString') || null,
    vaNumber: field(answer, 'vaNumber') || null,
    // Duitku's answer carries no expiry: it counts expiryPeriod from its own receipt of the request.
    expiresAt: new Date(now.getTime() + expiryMinutes * 60_000),
  };
}
