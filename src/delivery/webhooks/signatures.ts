/**
 * Webhook signatures, over the exact bytes sent:
 * - SMSCode: X-Webhook-Signature: sha256=<lowercase hex HMAC-SHA256>, key = the secret's UTF-8 bytes.
 * - Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature: v1,<base64 HMAC-SHA256 of
 *   "id.timestamp.body">, same key; libraries verify it with the secret "whsec_" + base64(secret).
 */
import { createHmac } from 'node:crypto';

export interface SignedHeaders {
  'x-webhook-signature'?: string;
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature'?: string;
}

export function signWebhook(input: {
  body: string;
  secret: string | null;
  id: string;
  at: Date;
}): SignedHeaders {
  const timestamp = String(Math.floor(input.at.getTime() / 1000));
  const headers: SignedHeaders = { 'webhook-id': input.id, 'webhook-timestamp': timestamp };
  if (!input.secret) return headers; // no secret set: no signature headers, as the contract says
  const key = Buffer.from(input.secret, 'utf8');
  headers['x-webhook-signature'] =
    `sha256=${createHmac('sha256', key).update(input.body, 'utf8').digest('hex')}`;
  headers['webhook-signature'] =
    `v1,${createHmac('sha256', key).update(`${input.id}.${timestamp}.${input.body}`, 'utf8').digest('base64')}`;
  return headers;
}
