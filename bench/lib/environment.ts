/**
 * numpool as it runs in production, on loopback: a scratch database on the machine's PostgreSQL, a
 * dedicated Redis database, the provider simulator in its own process, its personas registered as
 * providers and synced (full catalog), then separate `api` and `worker` processes. The bench process
 * keeps a runtime of its own on the same database to seed accounts, keys and deposits.
 *
 * Beside them, the read baseline (bare node:http sending stored bytes) runs as a process of its own.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { AppContext } from '../../src/app-context.ts';
import { loadConfig } from '../../src/config.ts';
import { freePort } from '../../src/platform/free-port.ts';
import { createLogger } from '../../src/platform/logger.ts';
import type { ProviderRecord } from '../../src/providers/provider.ts';
import type { SyncSummary } from '../../src/providers/sync-offers.ts';
import { openRuntime, type Runtime } from '../../src/runtime/open-runtime.ts';
import { databaseUrl, openTestServer } from '../../test/support/postgres-server.ts';
import { type Child, NUMPOOL_BIN, startNode, waitForHttp } from './processes.ts';
import { patchPersona, startSimulatedSupply } from './simulated-supply.ts';

/** The throughput scenarios run with the limiter on but never limiting; fairness runs the defaults. */
export const UNLIMITED: Record<string, string> = {
  NUMPOOL_RATE_LIMIT_KEY_MAX: '100000000',
  NUMPOOL_RATE_LIMIT_IP_MAX: '100000000',
};

const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/7';
const START_TIMEOUT_MS = 120_000;

export interface StaticBaseline {
  url: string;
  child: Child;
  /** Makes the baseline answer `path` with exactly these bytes. */
  store(
    path: string,
    answer: { status: number; headers: Record<string, string>; body: Buffer },
  ): Promise<void>;
}

export interface BenchEnv {
  /** The bench's own runtime on numpool's database (background pool): for seeding. */
  ctx: AppContext;
  adminUrl: string;
  apiUrl: string;
  simUrl: string;
  api: Child;
  worker: Child;
  sim: Child;
  baseline: StaticBaseline;
  providers: ProviderRecord[];
  syncs: Array<SyncSummary & { code: string }>;
  /** The environment the api process runs with now (rate-limit knobs). */
  apiLimits: 'unlimited' | 'default';
  restartApi(limits: 'unlimited' | 'default'): Promise<void>;
  close(): Promise<void>;
}

async function redisAvailable(): Promise<boolean> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2_000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    // A database of its own, emptied so an earlier run (or a test) cannot leak into this one.
    await redis.flushdb();
    return true;
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

export async function startStaticBaseline(): Promise<StaticBaseline> {
  const child = startNode('baseline', [new URL('../servers/static-server.ts', import.meta.url).pathname]);
  const [, port] = await child.waitForOutput(/listening (\d+)/, START_TIMEOUT_MS);
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    child,
    store: async (path, answer) => {
      const response = await fetch(`${url}/__bench/answer?url=${encodeURIComponent(path)}`, {
        method: 'PUT',
        headers: {
          'x-bench-status': String(answer.status),
          'x-bench-headers': JSON.stringify(answer.headers),
        },
        body: new Uint8Array(answer.body),
      });
      if (response.status !== 204) throw new Error(`baseline refused an answer: ${response.status}`);
    },
  };
}

export async function openBenchEnv(): Promise<BenchEnv> {
  const server = await openTestServer();
  const name = `numpool_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client(server.adminUrl);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = databaseUrl(server.adminUrl, name);
  const dataDir = mkdtempSync(join(tmpdir(), 'numpool-bench-'));
  chmodSync(dataDir, 0o755);
  const withRedis = await redisAvailable();
  if (!withRedis) console.warn(`no Redis at ${REDIS_URL}: numpool runs without it`);
  console.log(`database ${name} on ${server.kind} PostgreSQL${withRedis ? `, Redis ${REDIS_URL}` : ''}`);

  const common: Record<string, string> = {
    DATABASE_URL: url,
    ...(withRedis ? { REDIS_URL } : {}),
    NUMPOOL_SECRET: randomBytes(32).toString('hex'),
    NUMPOOL_DEMO: '0',
    NUMPOOL_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    NUMPOOL_WEBHOOK_ALLOW_PRIVATE: '1',
    // Offers were synced before the load; a periodic full-catalog re-sync in the middle of a measurement
    // would measure the sync instead.
    NUMPOOL_SYNC_INTERVAL_SECONDS: '3600',
  };
  let runtime: Runtime | undefined;
  const children: Child[] = [];
  const close = async () => {
    for (const child of children.reverse()) await child.stop(15_000);
    await runtime?.close().catch((error: unknown) => console.warn('closing the bench runtime:', error));
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await admin.end().catch(() => undefined);
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    // Schema, catalog seed and FX rate first, so the roles start on a ready database.
    runtime = await openRuntime(loadConfig({ ...common, NUMPOOL_ROLE: 'api' }), createLogger('error'));
    const { ctx } = runtime;

    // SMS come only when the bench injects them.
    const { sim, simUrl, providers, syncs } = await startSimulatedSupply(
      ctx,
      common,
      { delayMs: 600_000, noSmsRate: 1 },
      START_TIMEOUT_MS,
    );
    children.push(sim);
    console.log(
      `synced ${syncs.map((s) => `${s.code} ${s.offers} offers in ${s.durationMs} ms`).join(', ')}`,
    );

    const worker = startNode('worker', [NUMPOOL_BIN, 'worker'], {
      ...common,
      ...UNLIMITED,
      NUMPOOL_ROLE: 'worker',
    });
    children.push(worker);
    const apiPort = await freePort();
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const startApi = async (limits: 'unlimited' | 'default') => {
      const child = startNode('api', [NUMPOOL_BIN, 'api'], {
        ...common,
        ...(limits === 'unlimited' ? UNLIMITED : {}),
        NUMPOOL_ROLE: 'api',
        PORT: String(apiPort),
        // Where payment gateways send their notifications (the top-up scenario).
        NUMPOOL_PUBLIC_URL: apiUrl,
      });
      children.push(child);
      await Promise.race([
        waitForHttp(`${apiUrl}/healthz`, START_TIMEOUT_MS),
        child.exited.then(() => {
          throw new Error(`api exited at start:\n${child.output().slice(-3000)}`);
        }),
      ]);
      return child;
    };
    const api = await startApi('unlimited');

    // Beta pushes its SMS to numpool's provider hook, as an operator would configure it.
    const beta = providers.find((p) => p.code === 'beta')!;
    await patchPersona(simUrl, 'beta', {
      webhookUrl: `${apiUrl}/hooks/providers/beta?secret=${beta.hookSecret}`,
    });
    const baseline = await startStaticBaseline();
    children.push(baseline.child);

    const env: BenchEnv = {
      ctx,
      adminUrl: server.adminUrl,
      apiUrl,
      simUrl,
      api,
      worker,
      sim,
      baseline,
      providers,
      syncs,
      apiLimits: 'unlimited',
      restartApi: async (limits) => {
        if (env.apiLimits === limits) return;
        await env.api.stop();
        children.splice(children.indexOf(env.api), 1);
        env.api = await startApi(limits);
        env.apiLimits = limits;
      },
      close,
    };
    return env;
  } catch (error) {
    await close();
    throw error;
  }
}
