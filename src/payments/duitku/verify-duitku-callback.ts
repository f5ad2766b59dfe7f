/**
 * Reads and verifies a Duitku callback (specs/payments.md §2.3): a form-encoded POST signed with
 * `md5(merchantCode + amount + merchantOrderId + apiKey)` over the `amount` string as received.
 *
 * The signature covers neither `reference` nor `resultCode`, so the event only says "re-check this
 * top-up": whatever it claims, the transactionStatus call (by merchantOrderId) decides. Anything that is
 * not a well-formed callback is a NotificationRejected, never another kind of throw.
 */
import { NotificationRejected, type VerifiedNotification } from '../gateway-port.ts';
import { callbackSignature, type DuitkuKeys, signatureMatches } from './duitku-signature.ts';

/** Real callbacks are a few hundred bytes; anything far larger is not one. */
const MAX_CALLBACK_BYTES = 8 * 1024;
const MAX_FIELD_CHARS = 255;
const REQUIRED = [
  'merchantCode',
  'amount',
  'merchantOrderId',
  'resultCode',
  'reference',
  'signature',
] as const;

export interface DuitkuCallback {
  merchantCode: string;
  amount: string;
  merchantOrderId: string;
  resultCode: string;
  reference: string;
  signature: string;
  paymentCode: string | null;
}

export function verifyDuitkuCallback(
  keys: DuitkuKeys,
  notification: { rawBody: Buffer; headers: Record<string, string | undefined> },
): VerifiedNotification {
  const callback = parseDuitkuCallback(notification);
  if (callback.merchantCode !== keys.merchantCode)
    throw new NotificationRejected('wrong_merchant', 'callback names another merchant code');
  const expected = callbackSignature(keys, callback);
  if (!/^[0-9a-fA-F]{32}$/.test(callback.signature) || !signatureMatches(expected, callback.signature))
    throw new NotificationRejected('bad_signature', 'callback signature does not verify');
  return {
    eventKey: `${callback.reference}:${callback.resultCode}`,
    event: {
      kind: 'payment',
      gatewayPaymentId: callback.reference,
      topupId: callback.merchantOrderId,
      gatewayStatus: callback.resultCode,
      // The signed amount of a successful callback; the transactionStatus call's is what counts.
      paid: callback.resultCode === '00' ? { amount: callback.amount, currency: 'IDR' } : null,
    },
  };
}

export function parseDuitkuCallback(notification: {
  rawBody: Buffer;
  headers: Record<string, string | undefined>;
}): DuitkuCallback {
  const malformed = (message: string) => new NotificationRejected('malformed', message);
  const contentType = notification.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (contentType !== 'application/x-www-form-urlencoded')
    throw malformed('callback is not application/x-www-form-urlencoded');
  if (notification.rawBody.length > MAX_CALLBACK_BYTES) throw malformed('callback body too large');
  if (notification.rawBody.includes(0)) throw malformed('callback body holds a NUL byte');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(notification.rawBody);
  } catch {
    throw malformed('callback body is not UTF-8');
  }
  const fields = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(text)) {
    if (fields.has(name)) throw malformed(`callback repeats ${name.slice(0, 40)}`);
    // The raw bytes had no NUL, but `%00` decodes to one.
    if (value.includes('\u0000') || name.includes('\u0000')) throw malformed('callback field holds a NUL');
    if (value.length > MAX_FIELD_CHARS) throw malformed(`callback field ${name.slice(0, 40)} too long`);
    fields.set(name, value);
  }
  for (const name of REQUIRED) if (!fields.get(name)) throw malformed(`callback lacks ${name}`);
  const get = (name: (typeof REQUIRED)[number]) => fields.get(name)!;
  // Integer rupiah on the wire; cents tolerated since the signature is over the string as sent anyway.
  if (!/^\d{1,15}(\.\d{1,2})?$/.test(get('amount'))) throw malformed('callback amount is not a number');
  if (!/^\d{2}$/.test(get('resultCode'))) throw malformed('callback resultCode is not two digits');
  return {
    merchantCode: get('merchantCode'),
    amount: get('amount'),
    merchantOrderId: get('merchantOrderId'),
    resultCode: get('resultCode'),
    reference: get('reference'),
    signature: get('signature'),
    paymentCode: fields.get('paymentCode') || null,
  };
}
