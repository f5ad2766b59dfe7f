/**
 * numpool as several nodes on loopback, the way ARCHITECTURE §7 deploys it: two `numpool api` and two
 * `numpool worker` processes on one PostgreSQL and one Redis (the run's own, see services.ts), the provider
 * simulator in its own process with its personas registered and synced, and a small balancer in front of
 * the API nodes (what the simulator's SMS pushes go through, as a provider's would go through a load
 * balancer). The run keeps a runtime of its own on the database to seed accounts and read the outcome.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Child, NUMPOOL_BIN, startNode, waitForHttp } from '../../bench/lib/processes.ts';
import { patchPersona, startSimulatedSupply } from '../../bench/lib/simulated-supply.ts';
import type { AppContext } from '../../src/app-context.ts';
import { loadConfig } from '../../src/config.ts';
import { freePort } from '../../src/platform/free-port.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { openRuntime, type Runtime } from '../../src/runtime/open-runtime.ts';

const START_TIMEOUT_MS = 120_000;

export type Role = 'api' | 'worker';

export interface NumpoolNode {
  name: string;
  role: Role;
  /** For API nodes. */
  url: string | undefined;
  child: Child;
  alive: boolean;
}

export interface Cluster {
  ctx: AppContext;
  simUrl: string;
  /** The balancer in front of the API nodes: numpool's public URL (payment gateways call it back there). */
  publicUrl: string;
  nodes: NumpoolNode[];
  apiUrls(): string[];
  /** SIGKILLs a node (its whole process group) and starts it again; resolves once it is back. */
  killAndRestart(node: NumpoolNode, downMs: number): Promise<void>;
  /** Nodes that exited while nobody had killed them, with where their output was saved. */
  unexpectedExits: string[];
  close(): Promise<void>;
}

/** Settings that let a short run exercise every path: short TTL, cancels at once, fast webhook retries. */
const CHAOS_SETTINGS: Record<string, string> = {
  NUMPOOL_DEMO: '0',
  LOG_LEVEL: 'warn',
  NUMPOOL_WEBHOOK_ALLOW_PRIVATE: '1',
  NUMPOOL_WEBHOOK_RETRY_SCALE: '0.02',
  NUMPOOL_ORDER_TTL_SECONDS: '60',
  NUMPOOL_MIN_CANCEL_SECONDS: '0',
  // An activation whose order was never recorded (a node killed mid-create, a provider that answered too
  // late) is cancelled at the provider after this.
  NUMPOOL_ORPHAN_GRACE_SECONDS: '20',
  // A create takes seconds here (three providers × 5 s at worst): an order a killed node left provisioning
  // is released 90 s on instead of 6 minutes.
  NUMPOOL_CREATE_TIMEOUT_SECONDS: '30',
  // Two cores run seven processes: shedding (tested on its own) would refuse load the check is about.
  NUMPOOL_SHED_POOL_WAITING: '0',
  NUMPOOL_RESEND_COOLDOWN_SECONDS: '0',
  NUMPOOL_DAILY_CANCEL_LIMIT: '1000000',
  NUMPOOL_ABUSE_GUARD: '0',
  NUMPOOL_RATE_LIMIT_KEY_MAX: '100000000',
  NUMPOOL_RATE_LIMIT_IP_MAX: '100000000',
  NUMPOOL_SHED_EVENT_LOOP_DELAY_MS: '0',
  NUMPOOL_DB_CONNECT_TIMEOUT_MS: '2000',
  NUMPOOL_SYNC_INTERVAL_SECONDS: '300',
};

/** Forwards each request to a live API node, trying the next one when a node refuses the connection. */
async function startBalancer(targets: () => string[]): Promise<{ url: string; server: Server }> {
  let next = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const urls = targets();
      const attempt = (tries: number) => {
        const target = new URL(urls[next++ % Math.max(urls.length, 1)] ?? 'http://127.0.0.1:1');
        const forward = httpRequest(
          {
            host: target.hostname,
            port: target.port,
            method: req.method,
            path: req.url,
            headers: { ...req.headers, host: target.host },
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        forward.on('error', () => {
          if (tries > 1 && !res.headersSent) attempt(tries - 1);
          else if (!res.headersSent) res.writeHead(502).end();
          else res.destroy();
        });
        forward.end(body);
      };
      attempt(urls.length + 1);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

export async function startCluster(options: { databaseUrl: string; redisUrl: string; dataDir: string }) {
  const nodes: NumpoolNode[] = [];
  const apiUrls = () => nodes.filter((n) => n.role === 'api' && n.alive).map((n) => n.url!);
  const lb = await startBalancer(apiUrls);
  const common: Record<string, string> = {
    ...CHAOS_SETTINGS,
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    NUMPOOL_SECRET: randomBytes(32).toString('hex'),
    NUMPOOL_DATA_DIR: options.dataDir,
    NUMPOOL_PUBLIC_URL: lb.url,
  };
  let runtime: Runtime | undefined;
  const children: Child[] = [];
  const unexpectedExits: string[] = [];
  const close = async () => {
    for (const node of nodes) node.alive = false;
    for (const child of [...children].reverse()) await child.stop(15_000);
    lb.server.close();
    await runtime?.close().catch(() => undefined);
  };
  try {
    // Schema, catalog seed and FX rate first, so the roles start on a ready database.
    runtime = await openRuntime(loadConfig({ ...common, NUMPOOL_ROLE: 'api' }), createLogger('error'));
    const { ctx } = runtime;
    const { sim, simUrl, providers } = await startSimulatedSupply(
      ctx,
      common,
      { delayMs: 1_500, noSmsRate: 0.1 },
      START_TIMEOUT_MS,
    );
    children.push(sim);

    const start = async (node: NumpoolNode) => {
      const port = node.url ? new URL(node.url).port : undefined;
      node.child = startNode(node.name, [NUMPOOL_BIN, node.role], {
        ...common,
        NUMPOOL_ROLE: node.role,
        ...(port ? { PORT: port } : {}),
      });
      children.push(node.child);
      const child = node.child;
      // A node that goes away by itself (an unhandled error, a fatal outage path) is a finding: the run
      // did not kill it. It is marked dead so traffic stops picking it, and started again.
      void child.exited.then((code) => {
        if (!node.alive || node.child !== child) return;
        node.alive = false;
        const saved = join(tmpdir(), `numpool-chaos-${node.name}-${Date.now()}.log`);
        writeFileSync(saved, child.output());
        unexpectedExits.push(`${node.name} exited with ${code}; its output is in ${saved}`);
        children.splice(children.indexOf(child), 1);
        void start(node).catch(() => undefined);
      });
      if (node.url)
        await Promise.race([
          waitForHttp(`${node.url}/healthz`, START_TIMEOUT_MS),
          node.child.exited.then(() => {
            throw new Error(`${node.name} exited at start:\n${node.child.output().slice(-3000)}`);
          }),
        ]);
      else await node.child.waitForOutput(/./, 2_000).catch(() => undefined);
      node.alive = true;
    };
    for (const [name, role] of [
      ['api-1', 'api'],
      ['api-2', 'api'],
      ['worker-1', 'worker'],
      ['worker-2', 'worker'],
    ] as const) {
      const node: NumpoolNode = {
        name,
        role,
        url: role === 'api' ? `http://127.0.0.1:${await freePort()}` : undefined,
        child: undefined as unknown as Child,
        alive: false,
      };
      nodes.push(node);
      await start(node);
    }
    // Beta pushes its SMS to numpool's provider hook through the balancer, as a real provider would.
    const beta = providers.find((p) => p.code === 'beta');
    if (beta)
      await patchPersona(simUrl, 'beta', {
        webhookUrl: `${lb.url}/hooks/providers/beta?secret=${beta.hookSecret}`,
      });

    const cluster: Cluster = {
      ctx,
      simUrl,
      publicUrl: lb.url,
      nodes,
      apiUrls,
      unexpectedExits,
      killAndRestart: async (node, downMs) => {
        node.alive = false;
        try {
          process.kill(-node.child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
        await node.child.exited;
        children.splice(children.indexOf(node.child), 1);
        await new Promise((resolve) => setTimeout(resolve, downMs));
        await start(node);
      },
      close,
    };
    return cluster;
  } catch (error) {
    await close();
    throw error;
  }
}
