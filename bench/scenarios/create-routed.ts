/**
 * Routed creates: POST /v2/orders/create of a catalog product, a fresh idempotency key each, keys of
 * 100 customers in turn, 10 connections, against simulated providers that answer at once with deep
 * stock. Beside it: pgbench simple-update TPS at the same client count on the same PostgreSQL.
 */
import { DURATION_SECONDS, describeLoad, runLoad } from '../lib/load.ts';
import { pgbenchTps } from '../lib/pgbench.ts';
import { entry } from '../lib/report.ts';
import { fmtMs, fmtRate, type ScenarioGroup } from '../lib/scenario.ts';
import { createCustomers, deepestCatalogProduct } from '../lib/seed.ts';

const CONNECTIONS = Number(process.env.BENCH_CREATE_CONNECTIONS ?? 10);
const ACCOUNTS = 100;

export const createRouted: ScenarioGroup = {
  needsNumpool: true,
  limits: 'unlimited',
  section: {
    id: 'create',
    title: 'Routed order creation',
    names: ['create-routed'],
    prose: `\`POST /v2/orders/create\` with \`{"catalog_product_id": …}\` (the catalog product with the most stock
across the three providers), a fresh \`Idempotency-Key\` on every request and the API keys of
${ACCOUNTS} funded customers in turn, at ${CONNECTIONS} connections. Each create claims the key, routes
(cheapest offer, live stock check), holds the price on the wallet, buys the number from the simulated
provider (no added latency, unlimited balance) and activates the order. The figure counts 2xx answers
per second; orders pile up and that is fine. The baseline is \`pgbench -N -c ${CONNECTIONS} -j 2\` (simple
update, TPS without connection time) on the same PostgreSQL, in a scratch database of its own.`,
  },
  async run(env) {
    if (!env) throw new Error('creates need numpool');
    const customers = await createCustomers(env.ctx, ACCOUNTS, { label: 'create' });
    const product = await deepestCatalogProduct(env.ctx);
    console.log(`  catalog product ${product.id}, ${product.available} in stock across providers`);
    const spec = {
      origin: env.apiUrl,
      connections: CONNECTIONS,
      requests: [
        {
          method: 'POST' as const,
          path: '/v2/orders/create',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ catalog_product_id: product.id }),
        },
      ],
      rotateBearer: customers.map((c) => c.key),
      freshIdempotencyKey: true,
    };
    await runLoad({ ...spec, durationSeconds: 2 });
    const ours = await runLoad({ ...spec, durationSeconds: DURATION_SECONDS });
    console.log(`  create-routed numpool: ${describeLoad(ours)}`);
    const tps = await pgbenchTps(env.adminUrl, CONNECTIONS, DURATION_SECONDS);
    console.log(`  pgbench -N: ${tps.toFixed(0)} tps`);
    const ok = ours.requests - ours.non2xx;
    const created = ok / DURATION_SECONDS;
    return [
      entry({
        name: 'create-routed',
        label: 'POST /v2/orders/create, routed',
        value: Math.round(created),
        unit: 'orders/s',
        baseline: Math.round(tps),
        p50: ours.p50,
        p99: ours.p99,
        connections: CONNECTIONS,
        accounts: ACCOUNTS,
        duration_s: DURATION_SECONDS,
        requests: ours.requests,
        non2xx: ours.non2xx,
        errors: ours.errors,
        status_codes: ours.statusCodes,
        figure: `${fmtRate(created).replace('req/s', 'orders/s')}, p50 ${fmtMs(ours.p50)}, p99 ${fmtMs(ours.p99)}`,
        baseline_figure: `pgbench -N: ${Math.round(tps).toLocaleString('en-US')} TPS`,
        detail: `${CONNECTIONS} conn. over ${ACCOUNTS} accounts; ${ours.requests} answers, non-2xx ${ours.non2xx}, errors ${ours.errors} (${Object.entries(
          ours.statusCodes,
        )
          .map(([code, n]) => `${code}×${n}`)
          .join(', ')})`,
      }),
    ];
  },
};
