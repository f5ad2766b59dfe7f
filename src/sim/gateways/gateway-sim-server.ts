import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BodyTooLarge, json, readBody, send, text } from '../http-io.ts';
import type { GatewaySim } from './gateway-sim.ts';

export interface GatewaySimulator {
  /** `http://127.0.0.1:<port>`; a persona's base URL is this plus `/<prefix>` (Stripe: this alone). */
  url: string;
  close(): Promise<void>;
}

/**
 * Routes `/control/<prefix>/…` to a persona's control API, `/<prefix>/…` to its wire surface, and a path
 * under a persona's rootPath (Stripe's `/v1/`) to that persona whole.
 */
export async function startGatewaySimulator(options: {
  sims: GatewaySim[];
  port?: number;
  host?: string;
}): Promise<GatewaySimulator> {
  const byPrefix = new Map(options.sims.map((sim) => [sim.prefix, sim]));
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://sim.local');
      const [first, second] = url.pathname.split('/').filter(Boolean);
      const control = first === 'control';
      const atRoot = options.sims.find((s) => s.rootPath && url.pathname.startsWith(s.rootPath));
      const sim = atRoot ?? byPrefix.get((control ? second : first) ?? '');
      if (!sim) return send(res, json({ error: `no gateway at ${url.pathname}` }, 404));
      const strip = atRoot ? '' : control ? `/control/${sim.prefix}` : `/${sim.prefix}`;
      const request = {
        method: req.method ?? 'GET',
        path: `${url.pathname.slice(strip.length) || '/'}${url.search}`,
        headers: req.headers,
        body: await readBody(req),
      };
      send(res, control ? await sim.control(request) : await sim.handle(request));
    })().catch((error: unknown) => {
      send(res, error instanceof BodyTooLarge ? text('body too large', 413) : text('internal error', 500));
    });
  });
  server.keepAliveTimeout = 5000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    close: async () => {
      for (const sim of options.sims) sim.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
