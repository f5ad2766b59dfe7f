/**
 * Verifying a Heleket webhook (specs/payments.md §1.6): bounded size, one JSON object, a string `sign`
 * that matches by raw strip or PHP re-encode; then only `type=payment` is acted on. Every refusal is a
 * NotificationRejected — nothing else is thrown, whatever the bytes.
 */
import {
  type IncomingNotification,
  NotificationRejected,
  type VerifiedNotification,
} from '../gateway-port.ts';
import { isDecimalString, usdCents } from './heleket-invoice.ts';
import { isRecord } from './heleket-request.ts';
import { topLevelMembers, verifyHeleketWebhookSign } from './heleket-signature.ts';
import { HELEKET_CREDITED } from './heleket-statuses.ts';

/** Real webhooks are about 600 bytes; anything this large is not one. */
export const MAX_WEBHOOK_BYTES = 64 * 1024;
/** Real webhooks nest two deep (`convert`); re-encoding deeper text could exhaust the stack. */
const MAX_NESTING = 16;

/** Deepest `{`/`[` nesting outside strings. */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') deepest = Math.max(deepest, ++depth);
    else if (c === '}' || c === ']') depth--;
  }
  return deepest;
}

export function verifyHeleketNotification(
  notification: IncomingNotification,
  paymentKey: string,
): VerifiedNotification {
  if (notification.rawBody.length > MAX_WEBHOOK_BYTES) {
    throw new NotificationRejected('malformed', 'webhook body too large');
  }
  const rawBody = notification.rawBody.toString('utf8');
  if (nestingDepth(rawBody) > MAX_NESTING)
    throw new NotificationRejected('malformed', 'webhook nests too deep');
  let payload: unknown;
  try {
    payload = JSON.parse(rawBody);
  } catch {
    throw new NotificationRejected('malformed', 'webhook body is not JSON');
  }
  if (!isRecord(payload)) throw new NotificationRejected('malformed', 'webhook body is not a JSON object');
  if (!('sign' in payload)) throw new NotificationRejected('bad_signature', 'webhook has no sign');
  const { sign } = payload;
  if (typeof sign !== 'string') throw new NotificationRejected('malformed', 'webhook sign is not a string');
  const signMembers = topLevelMembers(rawBody)?.filter((m) => m.key === 'sign').length ?? 0;
  if (signMembers !== 1) throw new NotificationRejected('malformed', 'webhook must carry exactly one sign');
  if (!verifyHeleketWebhookSign({ rawBody, payload, sign, paymentKey })) {
    throw new NotificationRejected('bad_signature', 'webhook sign does not match');
  }

  const { type, uuid, status } = payload;
  const orderId = payload.order_id;
  if (typeof uuid !== 'string' || uuid === '' || typeof status !== 'string' || status === '') {
    throw new NotificationRejected('malformed', 'webhook has no uuid or status');
  }
  if (type !== 'payment') {
    // Signed by Heleket but about a static wallet: acknowledged so it is not redelivered, never acted on.
    return {
      eventKey: `${String(type)}:${uuid}:${status}`,
      event: { kind: 'ignored', reason: `type ${String(type)}` },
    };
  }
  if (orderId !== null && orderId !== undefined && typeof orderId !== 'string') {
    throw new NotificationRejected('malformed', 'webhook order_id is not a string');
  }
  const topupId = typeof orderId === 'string' ? orderId : null;
  const eventKey = `${uuid}:${status}`;
  if (status === 'refund_paid') {
    const amount = isDecimalString(payload.payment_amount_usd)
      ? usdCents(payload.payment_amount_usd)
      : isDecimalString(payload.amount)
        ? usdCents(payload.amount)
        : undefined;
    if (amount === undefined) throw new NotificationRejected('malformed', 'refund webhook has no USD amount');
    return {
      eventKey,
      event: {
        kind: 'refund',
        gatewayPaymentId: uuid,
        chargeRef: null,
        reversalRef: null,
        topupId,
        amount,
        currency: 'USD',
      },
    };
  }
  // A final credited status states what was paid (a missing is_final reads as final, as the info call's
  // does); the info call's amount is what counts.
  const paid =
    payload.is_final !== false &&
    (HELEKET_CREDITED as readonly string[]).includes(status) &&
    isDecimalString(payload.payment_amount_usd)
      ? { amount: usdCents(payload.payment_amount_usd), currency: 'USD' }
      : null;
  return {
    eventKey,
    event: { kind: 'payment', gatewayPaymentId: uuid, topupId, gatewayStatus: status, paid },
  };
}
