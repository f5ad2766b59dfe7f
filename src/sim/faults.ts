/**
 * Fault injection, per persona, switched at run time. Each mode reproduces what an adapter meets in the
 * wild, at the transport level, before the protocol runs:
 *
 * - down: the socket is destroyed without an answer (connection reset);
 * - slow: the normal answer after latencyMs;
 * - timeout: no answer at all until the client gives up (held responses are released by close());
 * - http500: a 500 with a short text, as a crashed backend behind a proxy;
 * - garbage: HTTP 200 with bytes that are not the protocol (an HTML error page, truncated JSON);
 * - no_numbers: handled by the protocol surfaces (buying answers "no numbers", everything else works).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Reply, send, TEXT } from './http-io.ts';
import type { Persona } from './persona.ts';

const GARBAGE: readonly Reply[] = [
  {
    status: 200,
    contentType: 'text/html; charset=utf-8',
    body: '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>',
  },
  {
    status: 200,
    contentType: 'application/json',
    body: '{"status":"success","activeActivations":[{"activationId":"1',
  },
  { status: 200, contentType: TEXT, body: '\u0000\u0007\ufffd\ufffdPK\u0003\u0004 garbled' },
  {
    status: 200,
    contentType: 'text/html; charset=utf-8',
    body: '<!DOCTYPE html><html><body><h1>Checking your browser before accessing</h1><p>Please wait…</p></body></html>',
  },
];

/** Responses held by the 'timeout' fault; close() destroys them. */
export type HeldResponses = Set<ServerResponse>;

/**
 * Applies the persona's fault. Resolves 'proceed' when the protocol should answer (ok, slow after its
 * delay, no_numbers), or 'answered' when the fault has dealt with the request.
 */
export async function applyFault(
  persona: Persona,
  req: IncomingMessage,
  res: ServerResponse,
  held: HeldResponses,
): Promise<'proceed' | 'answered'> {
  switch (persona.fault) {
    case 'ok':
    case 'no_numbers':
      return 'proceed';
    case 'slow':
      await delay(persona.latencyMs);
      return res.destroyed ? 'answered' : 'proceed';
    case 'down':
      persona.counters.faulted++;
      req.socket.destroy();
      return 'answered';
    case 'timeout':
      persona.counters.faulted++;
      held.add(res);
      res.on('close', () => held.delete(res));
      return 'answered';
    case 'http500':
      persona.counters.faulted++;
      send(res, { status: 500, contentType: TEXT, body: 'Internal Server Error' });
      return 'answered';
    case 'garbage': {
      persona.counters.faulted++;
      const total = Object.values(persona.counters.requests).reduce((sum, n) => sum + n, 0);
      send(res, GARBAGE[total % GARBAGE.length]!);
      return 'answered';
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
  });
}
