/**
 * Duitku API v2 signatures (specs/payments.md §2): md5 hex for inquiry, callback and transactionStatus,
 * sha256 hex for getpaymentmethod. Plain concatenation, amounts as the integer digits sent or received.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export interface DuitkuKeys {
  merchantCode: string;
  apiKey: string;
}

/** `md5(merchantCode + merchantOrderId + paymentAmount + apiKey)`. */
export function inquirySignature(
  keys: DuitkuKeys,
  input: { merchantOrderId: string; paymentAmount: string },
) {
  return md5(keys.merchantCode + input.merchantOrderId + input.paymentAmount + keys.apiKey);
}

/** `md5(merchantCode + amount + merchantOrderId + apiKey)`, `amount` exactly as the callback carries it. */
export function callbackSignature(keys: DuitkuKeys, input: { amount: string; merchantOrderId: string }) {
  return md5(keys.merchantCode + input.amount + input.merchantOrderId + keys.apiKey);
}

/** `md5(merchantCode + merchantOrderId + apiKey)`. */
export function statusSignature(keys: DuitkuKeys, input: { merchantOrderId: string }) {
  return md5(keys.merchantCode + input.merchantOrderId + keys.apiKey);
}

/** `sha256(merchantCode + amount + datetime + apiKey)`, datetime `YYYY-MM-DD HH:mm:ss`. */
export function paymentMethodsSignature(keys: DuitkuKeys, input: { amount: string; datetime: string }) {
  return sha256(keys.merchantCode + input.amount + input.datetime + keys.apiKey);
}

/**
 * Compares a received hex signature with the expected one in constant time. Hex digests are lowercase
 * on the wire; an uppercase copy is accepted since it names the same digest.
 */
export function signatureMatches(expected: string, received: string): boolean {
  const a = Buffer.from(expected.toLowerCase(), 'utf8');
  const b = Buffer.from(received.toLowerCase(), 'utf8');
  // Lengths are public (32 or 64 hex digits); only the content needs the constant-time compare.
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}
