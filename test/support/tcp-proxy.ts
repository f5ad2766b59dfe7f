/**
 * A loopback TCP proxy in front of a real service (PostgreSQL, Redis), for tests of what numpool does when
 * that service goes away: `refuse()` closes the listening port (new connections get ECONNREFUSED) and
 * cuts every open connection, `blackhole()` accepts connections and never answers (a host that vanished),
 * `cut()` drops open connections only (a restart), `restore()` forwards again on the same port.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { cleanupAfterFile } from './test-database.ts';

export interface TcpProxy {
  port: number;
  /** The target URL with its host and port replaced by the proxy's. */
  url(target: string): string;
  refuse(): Promise<void>;
  blackhole(): Promise<void>;
  restore(): Promise<void>;
  /** Cuts every open connection but keeps accepting new ones (the service restarted). */
  cut(): void;
  /** Connections accepted since the proxy started (to see a pool reconnect). */
  readonly accepted: number;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: 'forward' | 'blackhole' = 'forward';
  let accepted = 0;
  const open = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;

  const listen = async () => {
    const s = createServer((client) => {
      accepted++;
      open.add(client);
      client.on('close', () => open.delete(client));
      client.on('error', () => client.destroy());
      if (mode === 'blackhole') return;
      const upstream = new (client.constructor as typeof Socket)();
      open.add(upstream);
      upstream.on('close', () => {
        open.delete(upstream);
        client.destroy();
      });
      upstream.on('error', () => upstream.destroy());
      client.on('close', () => upstream.destroy());
      upstream.connect(target.port, target.host, () => {
        client.pipe(upstream);
        upstream.pipe(client);
      });
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
    });
    port = (s.address() as { port: number }).port;
    server = s;
  };
  const stop = async () => {
    const s = server;
    server = undefined;
    for (const socket of open) socket.destroy();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };

  await listen();
  cleanupAfterFile(stop);
  return {
    get port() {
      return port;
    },
    get accepted() {
      return accepted;
    },
    url(targetUrl: string) {
      const u = new URL(targetUrl);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    cut() {
      for (const socket of open) socket.destroy();
    },
    async refuse() {
      await stop();
    },
    async blackhole() {
      await stop();
      mode = 'blackhole';
      await listen();
    },
    async restore() {
      if (server && mode === 'forward') return;
      await stop();
      mode = 'forward';
      await listen();
    },
  };
}
