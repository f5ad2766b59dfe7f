/**
 * `npm run chaos`: numpool on several nodes, broken on purpose while customers use it, then checked.
 *
 * Starts a PostgreSQL and a Redis of its own, the provider simulator, two API nodes and two workers
 * (chaos/cluster.ts); drives orders over /v2 and the handler API with SSE and webhook consumers
 * (chaos/traffic.ts) and top-ups at the three simulated gateways (chaos/topups.ts); meanwhile SIGKILLs a random node every few seconds and starts it again, crash-restarts
 * Redis and PostgreSQL once each, and switches simulator personas to down / slow / garbage for a while.
 * Then it restores everything, waits until nothing is open or pending, and prints one JSON summary whose
 * every check must be true (chaos/checks.ts). Exit code 0 only then.
 *
 *   CHAOS_SECONDS   how long the traffic and the faults last (default 240)
 *   CHAOS_ORDERS    how many orders to place at most (default 2500)
 *   CHAOS_CUSTOMERS accounts placing them (default 8)
 *   CHAOS_CONCURRENCY order loops (default 10)
 *   CHAOS_TOPUPS    how many top-ups to start at most (default 150)
 *   CHAOS_KILL_EVERY_SECONDS  between two node kills (default 8)
 *   CHAOS_SUMMARY   also write the summary to this file
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installCleanup, sleep, stopAll } from '../bench/lib/processes.ts';
import { createCustomers } from '../bench/lib/seed.ts';
import { patchPersona } from '../bench/lib/simulated-supply.ts';
import { startSandboxGateways } from '../src/sandbox/start-sandbox-gateways.ts';
import { DEFAULT_PERSONAS } from '../src/sim/index.ts';
import { quiescent, runChecks, type Window } from './chaos/checks.ts';
import { startCluster } from './chaos/cluster.ts';
import { startPostgres, startRedis } from './chaos/services.ts';
import { runTopupChecks, runTopupLoops, uncreditedPaid } from './chaos/topups.ts';
import {
  newTraffic,
  openStreams,
  runOrderLoops,
  startWebhookReceiver,
  type Target,
} from './chaos/traffic.ts';

const env = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const SECONDS = env('CHAOS_SECONDS', 240);
const ORDERS = env('CHAOS_ORDERS', 2500);
const CUSTOMERS = env('CHAOS_CUSTOMERS', 8);
const CONCURRENCY = env('CHAOS_CONCURRENCY', 10);
const TOPUPS = env('CHAOS_TOPUPS', 150);
const KILL_EVERY_MS = env('CHAOS_KILL_EVERY_SECONDS', 8) * 1000;
/** After a dependency comes back, pools reconnect and retries settle: 5xx there are the outage's. */
const OUTAGE_GRACE_MS = 5_000;
/**
 * Orders expire after 60 s; one a killed node left provisioning is released after 90 s; an activation no
 * order recorded is cancelled within 10 s of its 20-s grace.
 */
const QUIESCENCE_MS = 240_000;
/** Fewer customers top up than order (one loop each): top-ups are the slower, rarer traffic. */
const TOPUP_CUSTOMERS = 4;

const log = (message: string) =>
  process.stderr.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

async function main(): Promise<number> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'numpool-chaos-'));
  const postgres = await startPostgres(dir);
  const redis = await startRedis();
  log(`PostgreSQL ${postgres.url}, Redis ${redis.url}`);
  installCleanup(async () => {
    await stopAll();
    await postgres.stop();
  });
  const cluster = await startCluster({
    databaseUrl: postgres.url,
    redisUrl: redis.url,
    dataDir: join(dir, 'data'),
  });
  const { ctx } = cluster;
  // The simulated gateways in this process, configured as the sandbox does: they call numpool back
  // through the balancer (its public URL), so a notification reaches whichever API node is alive.
  const gateways = await startSandboxGateways({ ctx, input: {} });
  const webhooks = await startWebhookReceiver();
  const customers = await createCustomers(ctx, CUSTOMERS, { label: 'chaos', webhookUrl: webhooks.url });
  const accountIds = customers.map((c) => c.accountId);
  const targets = (
    await ctx.db.query<Target & { catalog_product_id: number }>(
      `SELECT cp.id AS "catalogProductId", pl.handler_code AS service, cp.country_id AS country
       FROM products p JOIN catalog_products cp ON cp.id = p.catalog_product_id
       JOIN platforms pl ON pl.id = cp.platform_id
       WHERE p.active AND p.available > 100
       GROUP BY cp.id, pl.handler_code, cp.country_id
       HAVING count(DISTINCT p.provider_id) >= 2
       ORDER BY sum(p.available) DESC LIMIT 5`,
    )
  ).rows;
  if (targets.length === 0) throw new Error('no catalog product with stock at two providers');
  log(
    `cluster up in ${((Date.now() - started) / 1000).toFixed(1)} s; ${customers.length} customers, ${targets.length} products`,
  );

  const traffic = newTraffic();
  const streams = openStreams(cluster.apiUrls, customers);
  const outages: Window[] = [];
  let kills = 0;
  const restarts = { postgres: 0, redis: 0 };
  let personaFaults = 0;
  const until = Date.now() + SECONDS * 1000;

  const chaos = (async () => {
    const redisAt = Date.now() + SECONDS * 300;
    const postgresAt = Date.now() + SECONDS * 600;
    let redisDone = false;
    let postgresDone = false;
    let nextKill = Date.now() + KILL_EVERY_MS;
    let nextPersona = Date.now() + 3_000;
    while (Date.now() < until) {
      if (!redisDone && Date.now() >= redisAt) {
        redisDone = true;
        const from = Date.now();
        log('Redis: crash and restart');
        await redis.crashRestart(2_000);
        restarts.redis++;
        outages.push({ from, to: Date.now() + OUTAGE_GRACE_MS, what: 'redis' });
      }
      if (!postgresDone && Date.now() >= postgresAt) {
        postgresDone = true;
        const from = Date.now();
        log('PostgreSQL: crash and restart');
        await postgres.crashRestart(3_000);
        restarts.postgres++;
        outages.push({ from, to: Date.now() + OUTAGE_GRACE_MS, what: 'postgres' });
      }
      if (Date.now() >= nextKill) {
        const node = pick(cluster.nodes.filter((n) => n.alive));
        log(`SIGKILL ${node.name}`);
        kills++;
        // A killed API node's requests fail as connection errors; a killed worker's jobs run again.
        await cluster.killAndRestart(node, 500 + Math.random() * 1500);
        nextKill = Date.now() + KILL_EVERY_MS;
      }
      if (Date.now() >= nextPersona) {
        const persona = pick(DEFAULT_PERSONAS).name;
        const fault = pick(['down', 'slow', 'garbage'] as const);
        log(`persona ${persona}: ${fault}`);
        await patchPersona(cluster.simUrl, persona, { fault, latencyMs: fault === 'slow' ? 3_000 : 0 });
        personaFaults++;
        await sleep(2_000 + Math.random() * 3_000);
        await patchPersona(cluster.simUrl, persona, { fault: 'ok', latencyMs: 0 });
        nextPersona = Date.now() + 3_000 + Math.random() * 4_000;
      }
      await sleep(200);
    }
  })();

  const [, topupTraffic] = await Promise.all([
    runOrderLoops({
      traffic,
      nodes: cluster.apiUrls,
      customers,
      targets,
      orders: ORDERS,
      concurrency: CONCURRENCY,
      until,
    }),
    runTopupLoops({
      ctx,
      traffic,
      nodes: cluster.apiUrls,
      customers: customers.slice(0, TOPUP_CUSTOMERS),
      gatewaysUrl: gateways.url,
      count: TOPUPS,
      until,
    }),
  ]);
  await chaos;
  for (const persona of DEFAULT_PERSONAS)
    await patchPersona(cluster.simUrl, persona.name, { fault: 'ok', latencyMs: 0 });
  log(
    `traffic done: ${traffic.orders.size} orders, ${topupTraffic.topups.length} top-ups; waiting for quiescence`,
  );
  const quietBy = Date.now() + QUIESCENCE_MS;
  let quiet = false;
  while (!quiet && Date.now() < quietBy) {
    // A paid top-up whose notifications were all lost waits for the reconciler's next minute.
    quiet =
      (await quiescent(ctx, accountIds, cluster.simUrl).catch(() => false)) &&
      (await uncreditedPaid(ctx, topupTraffic.topups).catch(() => 1)) === 0;
    if (!quiet) await sleep(1_000);
  }
  // The streams have had time to carry the last events.
  await sleep(2_000);
  const result = await runChecks({
    ctx,
    simUrl: cluster.simUrl,
    accountIds,
    traffic,
    streams,
    webhooks,
    outages,
    unexpectedExits: cluster.unexpectedExits,
  });
  const topupResult = await runTopupChecks(ctx, topupTraffic.topups);
  streams.close();
  const summary = {
    orders: traffic.orders.size,
    topups: {
      started: topupTraffic.topups.length,
      paid: topupTraffic.topups.filter((t) => t.paid).length,
      notifications_lost: topupTraffic.topups.filter((t) => t.paid && t.notify.times === 0).length,
      sent_three_times: topupTraffic.topups.filter((t) => t.paid && t.notify.times === 3).length,
      unanswered_creates: topupTraffic.unanswered,
    },
    kills,
    restarts,
    persona_faults: personaFaults,
    seconds: Math.round((Date.now() - started) / 1000),
    creates: traffic.creates,
    sms_emitted: result.smsEmitted,
    events: result.events,
    stream_reconnects: streams.reconnects,
    stream_endings: Object.fromEntries(streams.endings),
    server_errors: traffic.serverErrors.length,
    quiescent: quiet,
    checks: { quiescent: quiet, ...result.checks, ...topupResult.checks },
    failures: Object.fromEntries(
      Object.entries({ ...result.details, ...topupResult.details }).filter(
        ([, v]) => Array.isArray(v) && v.length > 0,
      ),
    ),
  };
  const text = JSON.stringify(summary, null, 2);
  process.stdout.write(`${text}\n`);
  if (process.env.CHAOS_SUMMARY) writeFileSync(process.env.CHAOS_SUMMARY, `${text}\n`);
  await webhooks.close();
  await gateways.close();
  await cluster.close();
  await redis.stop();
  await postgres.stop();
  rmSync(dir, { recursive: true, force: true });
  return Object.values(summary.checks).every(Boolean) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    void stopAll().finally(() => process.exit(2));
  },
);
