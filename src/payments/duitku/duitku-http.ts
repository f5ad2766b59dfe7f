/**
 * One JSON POST to Duitku, with the configured timeout. Failure semantics: no answer (refused, reset,
 * timeout) and 5xx are retryable GatewayErrors; 4xx is not, and carries Duitku's `Message`. Request
 * bodies hold the signature, never the api key, and neither ever goes into an error message.
 */
import { GatewayError } from '../gateway-port.ts';

const MESSAGE_LIMIT = 300;

export async function postDuitku(options: {
  baseUrl: string;
  path: string;
  body: Record<string, unknown>;
  timeoutMs: number;
  what: string;
}): Promise<Record<string, unknown>> {
  const url = `${options.baseUrl.replace(/\/+$/, '')}${options.path}`;
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    const reason = error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : 'unreachable';
    throw new GatewayError(`Duitku ${options.what}: ${reason}`, { retryable: true });
  }
  const parsed = parseObject(text);
  if (response.status !== 200) {
    const gatewayMessage = messageOf(parsed) ?? (text.trim().slice(0, MESSAGE_LIMIT) || undefined);
    throw new GatewayError(`Duitku ${options.what}: HTTP ${response.status}`, {
      retryable: response.status >= 500 || response.status === 429,
      gatewayMessage,
    });
  }
  // A 200 that is not a JSON object came from something in between (a proxy page): worth another try.
  if (!parsed) throw new GatewayError(`Duitku ${options.what}: unreadable answer`, { retryable: true });
  return parsed;
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function messageOf(body: Record<string, unknown> | null): string | undefined {
  const message = body?.Message ?? body?.message ?? body?.statusMessage;
  return typeof message === 'string' ? message.slice(0, MESSAGE_LIMIT) : undefined;
}

/** A string field of a Duitku answer (numbers accepted: some fields arrive either way). */
export function field(body: Record<string, unknown>, name: string): string | null {
  const value = body[name];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}
