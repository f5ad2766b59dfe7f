/**
 * The one way adapters talk HTTP: a GET with a hard per-request timeout that covers the body too, and
 * network failures already turned into ProviderErrors (TIMEOUT vs UNAVAILABLE). Adapters then only decide
 * what a status and body mean in their own protocol.
 *
 * The URL may carry a secret (the handler protocol puts api_key in the query string), so it never goes
 * into an error message.
 */
import { ProviderError } from '../port.ts';

export interface HttpReply {
  status: number;
  contentType: string;
  body: string;
}

export interface HttpGetOptions {
  headers?: Record<string, string>;
  timeoutMs: number;
  /** Names the call in error messages, e.g. "handler getPrices". Must not contain secrets. */
  label: string;
}

export async function httpGet(url: URL, options: HttpGetOptions): Promise<HttpReply> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const response = await fetch(url, {
      redirect: 'manual',
      method: 'GET',
      headers: options.headers ?? {},
      signal,
    });
    const body = await response.text();
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', body };
  } catch (error) {
    throw networkError(error, signal, options);
  }
}

function networkError(error: unknown, signal: AbortSignal, options: HttpGetOptions): ProviderError {
  if (signal.aborted || isTimeout(error)) {
    return new ProviderError('TIMEOUT', `${options.label}: no answer within ${options.timeoutMs} ms`, {
      cause: error,
    });
  }
  return new ProviderError('UNAVAILABLE', `${options.label}: ${describeNetworkFailure(error)}`, {
    cause: error,
  });
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

/** fetch reports "fetch failed" and hides the useful part (ECONNREFUSED, ECONNRESET…) in `cause`. */
function describeNetworkFailure(error: unknown): string {
  if (!(error instanceof Error)) return 'network failure';
  const cause = error.cause;
  if (cause instanceof Error) {
    const code = (cause as Error & { code?: unknown }).code;
    return typeof code === 'string' ? `${error.message} (${code})` : `${error.message} (${cause.message})`;
  }
  return error.message;
}
