/**
 * One signed call to Heleket (specs/payments.md §1.1–1.2): `POST` JSON, headers `merchant` and `sign`, the
 * `{"state":0,"result":…}` envelope. Transport errors, timeouts and 5xx are retryable GatewayErrors; 4xx,
 * 422 and `state` ≠ 0 are final, carrying Heleket's message. Credentials never enter an error message.
 */
import { type GatewayConfig, GatewayError } from '../gateway-port.ts';
import { signHeleketBody } from './heleket-signature.ts';

const MAX_ERROR_TEXT = 300;

export interface HeleketCredentials {
  merchant: string;
  paymentKey: string;
}

export function heleketCredentials(config: GatewayConfig): HeleketCredentials {
  const { merchant, paymentKey } = config.credentials;
  if (!merchant || !paymentKey)
    throw new Error('Heleket needs credentials.merchant and credentials.paymentKey');
  return { merchant, paymentKey };
}

export async function callHeleket({
  config,
  path,
  params,
}: {
  config: GatewayConfig;
  path: string;
  params: Record<string, unknown>;
}): Promise<unknown> {
  const { merchant, paymentKey } = heleketCredentials(config);
  const body = JSON.stringify(params);
  const url = `${config.baseUrl.replace(/\/+$/, '')}${path}`;
  let status: number;
  let text: string;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', merchant, sign: signHeleketBody(body, paymentKey) },
      body,
      signal: AbortSignal.timeout(config.timeoutMs),
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    const reason = error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : 'unreachable';
    throw new GatewayError(`Heleket ${path} ${reason}`, { retryable: true });
  }
  let envelope: unknown;
  try {
    envelope = JSON.parse(text);
  } catch {
    envelope = undefined;
  }
  const message = gatewayMessageOf(envelope) ?? (text.slice(0, MAX_ERROR_TEXT) || undefined);
  if (status >= 500) {
    throw new GatewayError(`Heleket ${path} answered ${status}`, {
      retryable: true,
      gatewayMessage: message,
    });
  }
  if (!isRecord(envelope)) {
    // A 2xx that is not JSON is a proxy or a half-delivered answer, not Heleket's verdict.
    throw new GatewayError(`Heleket ${path} answered ${status} without a JSON envelope`, {
      retryable: status < 400,
      gatewayMessage: message,
    });
  }
  if (status >= 400 || envelope.state !== 0) {
    throw new GatewayError(`Heleket ${path} refused (${status}): ${message ?? 'no message'}`, {
      retryable: false,
      gatewayMessage: message,
    });
  }
  return envelope.result;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `message`, or the 422 `errors` map flattened to `field: rule, rule; …`. */
function gatewayMessageOf(envelope: unknown): string | undefined {
  if (!isRecord(envelope)) return undefined;
  if (typeof envelope.message === 'string') return envelope.message.slice(0, MAX_ERROR_TEXT);
  if (isRecord(envelope.errors)) {
    return Object.entries(envelope.errors)
      .map(([field, rules]) => `${field}: ${Array.isArray(rules) ? rules.join(', ') : String(rules)}`)
      .join('; ')
      .slice(0, MAX_ERROR_TEXT);
  }
  return undefined;
}
