/**
 * A node whose request pool reaches its (fresh) database through a TCP proxy that a test can make refuse,
 * black-hole or cut connections: a real database outage for that node alone. The job queue and `direct`
 * keep the direct line, so only requests see the outage.
 */
import type { AppContext } from '../../src/app-context.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';
import { contextOn, createTestDatabase } from './test-database.ts';

export async function proxiedDatabase(): Promise<{
  proxy: TcpProxy;
  ctx: AppContext & { url: string };
  direct: AppContext & { url: string };
}> {
  const database = await createTestDatabase();
  const target = new URL(database.url);
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const direct = await contextOn(database.url);
  const ctx = await contextOn(
    proxy.url(database.url),
    { NUMPOOL_DB_CONNECT_TIMEOUT_MS: '500' },
    { queue: direct.queue },
  );
  return { proxy, ctx, direct };
}
