/**
 * The customer's side of code delivery, in the bench process: a webhook receiver and SSE readers that
 * note when each SMS text arrived (performance.now(), the clock the emitter uses).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The SMS text an event carries: numpool's otp_message, or the relay baseline's own field. */
function textOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as { event?: string; data?: { otp_message?: unknown }; text?: unknown };
  if (typeof b.text === 'string') return b.text;
  if (b.event === 'order.otp_received' && typeof b.data?.otp_message === 'string') return b.data.otp_message;
  return undefined;
}

export interface Arrivals {
  at: Map<string, number>;
}

export async function startWebhookReceiver(): Promise<Arrivals & { url: string; close(): Promise<void> }> {
  const at = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const now = performance.now();
      try {
        const text = textOf(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        if (text !== undefined && !at.has(text)) at.set(text, now);
      } catch {
        // not an event
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  server.keepAliveTimeout = 120_000;
  server.maxRequestsPerSocket = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    at,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One `/v2/stream` per API key, read as it arrives. */
export async function openStreams(apiUrl: string, keys: string[]): Promise<Arrivals & { close(): void }> {
  const at = new Map<string, number>();
  const abort = new AbortController();
  const connected = keys.map(async (key) => {
    const response = await fetch(`${apiUrl}/v2/stream`, {
      headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream' },
      signal: abort.signal,
    });
    if (response.status !== 200 || !response.body) throw new Error(`stream: ${response.status}`);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    // The first chunk is the ": connected" comment: the stream is live from here on.
    const first = await reader.read();
    buffer += first.value ?? '';
    void (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
        if (done) return;
        const now = performance.now();
        buffer += value;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block
            .split('\n')
            .filter((line) => line.startsWith('data: '))
            .map((line) => line.slice(6))
            .join('\n');
          if (data) {
            try {
              const text = textOf(JSON.parse(data));
              if (text !== undefined && !at.has(text)) at.set(text, now);
            } catch {
              // not an event
            }
          }
          end = buffer.indexOf('\n\n');
        }
      }
    })();
  });
  await Promise.all(connected);
  return { at, close: () => abort.abort() };
}
