import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BodyTooLarge, json, readBody, send, text } from '../http-io.ts';
import type { SimLogger } from '../types.ts';
import type { GatewaySim } from './gateway-sim.ts';
import { GatewaySimStateFile, readGatewaySimState } from './gateway-sim-state-file.ts';

export interface GatewaySimulator {
  /** `http://127.0.0.1:<port>`; a persona's base URL is this plus `/<prefix>` (Stripe: this alone). */
  url: string;
  close(): Promise<void>;
}

/**
 * Routes `/control/<prefix>/…` to a persona's control API, `/<prefix>/…` to its wire surface, and a path
 * under a persona's rootPath (Stripe's `/v1/`) to that persona whole.
 *
 * With a stateFile, the personas' payments outlive the process: they are restored from it at start, and
 * a request that may change them (anything but GET and HEAD) is answered only once the file holds its
 * effect, so what numpool was told a gateway has, the next simulator has too. The simulator also listens
 * on the port stored there when it is free (and no port was asked for), so stored payment URLs keep
 * working; when it is taken, on a free one. Without a stateFile nothing is read or written.
 */
export async function startGatewaySimulator(options: {
  sims: GatewaySim[];
  port?: number;
  host?: string;
  stateFile?: string;
  log?: SimLogger;
}): Promise<GatewaySimulator> {
  const byPrefix = new Map(options.sims.map((sim) => [sim.prefix, sim]));
  const stored = options.stateFile ? await readGatewaySimState(options.stateFile, options.log) : undefined;
  for (const sim of options.sims) {
    const state = stored?.gateways[sim.prefix];
    if (state === undefined) continue;
    try {
      sim.restoreState(state);
    } catch (error) {
      options.log?.warn({ gateway: sim.prefix, err: error }, 'gateway simulator state not restored');
    }
  }
  let port = 0;
  const stateFile = options.stateFile
    ? new GatewaySimStateFile(
        options.stateFile,
        () => ({
          port,
          gateways: Object.fromEntries(options.sims.map((sim) => [sim.prefix, sim.exportState()])),
        }),
        options.log,
      )
    : undefined;

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
      const reply = control ? await sim.control(request) : await sim.handle(request);
      if (stateFile && request.method !== 'GET' && request.method !== 'HEAD') await stateFile.save();
      send(res, reply);
    })().catch((error: unknown) => {
      send(res, error instanceof BodyTooLarge ? text('body too large', 413) : text('internal error', 500));
    });
  });
  server.keepAliveTimeout = 5000;
  const host = options.host ?? '127.0.0.1';
  const preferred = options.port || stored?.port || 0;
  try {
    await listen(server, preferred, host);
  } catch (error) {
    // Only the stored port is a wish; a port asked for explicitly fails as it always did.
    if (options.port || preferred === 0 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE')
      throw error;
    options.log?.info({ port: preferred }, 'gateway simulator port taken; listening on a free one');
    await listen(server, 0, host);
  }
  port = (server.address() as AddressInfo).port;
  await stateFile?.save();
  return {
    url: `http://${host}:${port}`,
    close: async () => {
      for (const sim of options.sims) sim.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await stateFile?.save();
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const fail = (error: Error) => reject(error);
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      resolve();
    });
  });
}
