/**
 * Shared benchmark plumbing: a scratch database, autocannon runs, a bare node:http baseline serving the
 * same bytes, and BENCHMARKS.md sections.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import autocannon from 'autocannon';
import pg from 'pg';
import type { AppContext } from '../src/app-context.ts';
import { seedCatalog } from '../src/catalog/seed-catalog.ts';
import { loadConfig } from '../src/config.ts';
import { QUEUES } from '../src/jobs/queues.ts';
import { createInProcessBus } from '../src/platform/bus.ts';
import { createPool } from '../src/platform/db.ts';
import { startJobQueue } from '../src/platform/job-queue.ts';
import { createLogger } from '../src/platform/logger.ts';
import { migrate } from '../src/platform/migrate.ts';
import { createContext } from '../src/runtime/create-context.ts';
import { databaseUrl, openTestServer } from '../test/support/postgres-server.ts';

export const DURATION_SECONDS = Number(process.env.BENCH_DURATION ?? 5);
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);

export interface Measured {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

export async function measure(url: string, headers: Record<string, string> = {}): Promise<Measured> {
  // The load generator runs in a worker thread, so it does not share the event loop of the server it measures.
  const result = await autocannon({
    url,
    headers,
    connections: CONNECTIONS,
    duration: DURATION_SECONDS,
    workers: 1,
  });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

/** node:http answering every request with the given bytes: the floor any HTTP service stands on. */
export async function startBaseline(body: string, contentType = 'application/json; charset=utf-8') {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A migrated, seeded scratch database and a full context on it; close() drops it. */
export async function openBenchContext(): Promise<{ ctx: AppContext; url: string; close(): Promise<void> }> {
  const server = await openTestServer();
  const name = `numpool_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client(server.adminUrl);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = databaseUrl(server.adminUrl, name);
  const pool = createPool(url, { max: 10 });
  await migrate(pool);
  const config = loadConfig({
    DATABASE_URL: url,
    NUMPOOL_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
  });
  const log = createLogger('silent');
  const queue = await startJobQueue({ url, log, supervise: false, queues: QUEUES });
  const ctx = createContext({ pool, config, log, secret: config.secret!, queue, bus: createInProcessBus() });
  await seedCatalog({ ctx });
  return {
    ctx,
    url,
    close: async () => {
      await ctx.catalogCache.close();
      await queue.stop();
      await pool.end();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
      await server.stop();
    },
  };
}

/** Replaces (or appends) the section between <!-- bench:NAME --> markers in BENCHMARKS.md. */
export function writeSection(name: string, markdown: string): void {
  const file = new URL('../BENCHMARKS.md', import.meta.url);
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const current = existsSync(file)
    ? readFileSync(file, 'utf8')
    : '# Benchmarks\n\nWritten by `npm run bench`; every figure stands beside a bare node:http baseline from the same run.\n';
  const pattern = new RegExp(`${start}[\\s\\S]*?${end}`);
  writeFileSync(
    file,
    pattern.test(current) ? current.replace(pattern, block) : `${current.trimEnd()}\n\n${block}\n`,
  );
}

export function machineLine(): string {
  return `Run ${new Date().toISOString().slice(0, 10)} on ${process.platform}/${process.arch} (${availableParallelism()} cores), Node ${process.version}.`;
}

export function loadLine(): string {
  return `${CONNECTIONS} connections × ${DURATION_SECONDS} s per target, load generated from a worker thread.`;
}
