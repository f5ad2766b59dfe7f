/**
 * The delivery baseline: a bare node:http relay (its own process, like numpool's worker) that forwards
 * each POST it receives to RELAY_TARGET over a keep-alive connection and answers once the target has.
 * The floor for "an event arrives, a POST goes out" on this machine. Prints `listening <port>`.
 */
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

const target = new URL(process.env.RELAY_TARGET ?? 'http://127.0.0.1:9/');
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const forward = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': body.length },
      },
      (answer) => {
        answer.resume();
        answer.on('end', () => res.writeHead(200).end('OK'));
      },
    );
    forward.on('error', () => res.writeHead(502).end());
    forward.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening ${(server.address() as AddressInfo).port}`);
});
process.once('SIGTERM', () => process.exit(0));
