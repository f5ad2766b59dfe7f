/**
 * One HTTP POST to a customer's endpoint: through the SSRF-guarded dispatcher (the address actually
 * connected to must be public), 10 s timeout, no redirects followed, at most 64 KiB of the answer read.
 */
import { request } from 'undici';
import { createGuardedDispatcher } from '../ssrf/index.ts';

export interface PostResult {
  statusCode: number | null;
  error: string | null;
}

const TIMEOUT_MS = 10_000;
const dispatchers = new Map<boolean, ReturnType<typeof createGuardedDispatcher>>();

function dispatcherFor(allowPrivate: boolean) {
  let dispatcher = dispatchers.get(allowPrivate);
  if (!dispatcher) {
    dispatcher = createGuardedDispatcher({ allowPrivate }, { connectTimeoutMs: TIMEOUT_MS });
    dispatchers.set(allowPrivate, dispatcher);
  }
  return dispatcher;
}

export async function postWebhook(input: {
  url: string;
  body: string;
  headers: Record<string, string>;
  allowPrivate: boolean;
}): Promise<PostResult> {
  try {
    const response = await request(input.url, {
      method: 'POST',
      body: input.body,
      headers: { 'content-type': 'application/json', 'user-agent': 'numpool-webhooks/1', ...input.headers },
      dispatcher: dispatcherFor(input.allowPrivate),
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    // Drain a little so the connection can be reused; the content itself does not matter.
    let read = 0;
    for await (const chunk of response.body) {
      read += (chunk as Buffer).length;
      if (read > 65_536) break;
    }
    return { statusCode: response.statusCode, error: null };
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    return { statusCode: null, error: (cause ?? (error as Error).message ?? String(error)).slice(0, 300) };
  }
}
