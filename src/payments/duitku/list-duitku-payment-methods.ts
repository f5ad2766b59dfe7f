/**
 * The project's active payment methods and their fees for an amount (specs/payments.md §2.5,
 * `POST /webapi/api/merchant/paymentmethod/getpaymentmethod`), signed with sha256 over a Jakarta-time
 * `datetime`.
 */
import { GatewayError } from '../gateway-port.ts';
import { field, postDuitku } from './duitku-http.ts';
import { type DuitkuKeys, paymentMethodsSignature } from './duitku-signature.ts';

export interface DuitkuPaymentMethod {
  method: string;
  name: string;
  imageUrl: string | null;
  /** Decimal string, IDR, as Duitku reports it (numpool's cost). */
  totalFee: string;
}

export async function listDuitkuPaymentMethods({
  keys,
  http,
  amount,
  now = new Date(),
}: {
  keys: DuitkuKeys;
  http: { baseUrl: string; timeoutMs: number };
  amount: string;
  now?: Date;
}): Promise<DuitkuPaymentMethod[]> {
  if (!/^[1-9]\d{0,14}$/.test(amount))
    throw new GatewayError('Duitku getpaymentmethod: the amount must be whole rupiah', { retryable: false });
  const datetime = jakartaDatetime(now);
  const body = {
    merchantcode: keys.merchantCode,
    amount: Number(amount),
    datetime,
    signature: paymentMethodsSignature(keys, { amount, datetime }),
  };
  const answer = await postDuitku({
    ...http,
    path: '/webapi/api/merchant/paymentmethod/getpaymentmethod',
    body,
    what: 'getpaymentmethod',
  });
  const code = field(answer, 'responseCode');
  if (code !== '00' || !Array.isArray(answer.paymentFee))
    throw new GatewayError(`Duitku getpaymentmethod: response ${code?.slice(0, 10) ?? 'unreadable'}`, {
      retryable: false,
      gatewayMessage: field(answer, 'responseMessage') ?? undefined,
    });
  const methods: DuitkuPaymentMethod[] = [];
  for (const row of answer.paymentFee as unknown[]) {
    if (row === null || typeof row !== 'object') continue;
    const entry = row as Record<string, unknown>;
    const method = field(entry, 'paymentMethod');
    if (!method) continue;
    methods.push({
      method,
      name: field(entry, 'paymentName') ?? method,
      imageUrl: field(entry, 'paymentImage') || null,
      totalFee: field(entry, 'totalFee') ?? '0',
    });
  }
  return methods;
}

/** `YYYY-MM-DD HH:mm:ss` in Asia/Jakarta (UTC+7 all year: Indonesia keeps no daylight saving). */
export function jakartaDatetime(at: Date): string {
  const local = new Date(at.getTime() + 7 * 3600_000).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 19)}`;
}
