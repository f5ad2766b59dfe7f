/**
 * One request with node:http, keeping the answer exactly as sent (no decompression), so a baseline can
 * send the same bytes with the same headers.
 */
import { request } from 'node:http';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Per-connection and per-message headers a replay must not copy. */
const NOT_REPLAYED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'date']);

export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (value === undefined || NOT_REPLAYED.has(name)) continue;
          headers[name] = Array.isArray(value) ? value.join(', ') : value;
        }
        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A JSON call to numpool that must succeed. */
export async function callJson<T>(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<T> {
  const send = () =>
    rawRequest(url, {
      method: options.method ?? 'GET',
      headers: {
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  let answer = await send();
  // Refused before any work (shed under load, or limited): wait as told and ask again, as a client does.
  for (let tries = 0; (answer.status === 503 || answer.status === 429) && tries < 10; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 1000 * Number(answer.headers['retry-after'] ?? 1)));
    answer = await send();
  }
  const text = answer.body.toString('utf8');
  if (answer.status < 200 || answer.status >= 300)
    throw new Error(`${url}: ${answer.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}
