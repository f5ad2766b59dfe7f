/**
 * The read baseline: a bare node:http server (its own process, like numpool) answering each request URL
 * with bytes stored beforehand — status, headers and body exactly as numpool sent them. What any HTTP
 * service pays before doing any work of its own.
 *
 * The bench stores an answer with `PUT /__bench/answer?url=<request url>` (headers in x-bench-headers as
 * JSON, status in x-bench-status, body as the request body). Prints `listening <port>` when ready.
 */
import { createServer, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Answer {
  status: number;
  headers: OutgoingHttpHeaders;
  body: Buffer;
}

const answers = new Map<string, Answer>();

const server = createServer((req, res) => {
  const answer = answers.get(req.url ?? '');
  if (answer) {
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
    return;
  }
  if (req.method === 'PUT' && req.url?.startsWith('/__bench/answer?')) {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url!, 'http://x').searchParams.get('url') ?? '';
      const body = Buffer.concat(chunks);
      const headers = JSON.parse(String(req.headers['x-bench-headers'] ?? '{}')) as OutgoingHttpHeaders;
      answers.set(url, {
        status: Number(req.headers['x-bench-status'] ?? 200),
        headers: { ...headers, 'content-length': body.length },
        body,
      });
      res.writeHead(204).end();
    });
    return;
  }
  res.writeHead(404).end();
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening ${(server.address() as AddressInfo).port}`);
});
process.once('SIGTERM', () => process.exit(0));
