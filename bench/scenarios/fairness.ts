/**
 * Fairness: tenant B floods the heaviest endpoints while tenant A polls as a bot does; A's p99 with
 * and without the flood, and who gets the 429s. numpool runs with its default rate limits here.
 */
import { DURATION_SECONDS, describeLoad, type LoadResult, runLoad } from '../lib/load.ts';
import { sleep } from '../lib/processes.ts';
import { entry } from '../lib/report.ts';
import { fmtMs, fmtRate, type ScenarioGroup } from '../lib/scenario.ts';
import { createCustomers, deepestCatalogProduct, placeOrders } from '../lib/seed.ts';

const A_CONNECTIONS = 2;
// A bot polling 100 activations once a second: half the default per-key budget (12,000 points a minute).
const A_RATE = Number(process.env.BENCH_FAIRNESS_A_RATE ?? 100);
const B_CONNECTIONS = Number(process.env.BENCH_FLOOD_CONNECTIONS ?? 50);
const ACCEPT_ENCODING = 'gzip, deflate, br';

const count429 = (r: LoadResult) => r.limited;

export const fairness: ScenarioGroup = {
  needsNumpool: true,
  limits: 'default',
  section: {
    id: 'fairness',
    title: 'Fairness between tenants',
    names: ['fairness'],
    prose: `numpool runs with its default rate limits (the api process is restarted without the bench's
"never limit" settings). Tenant A polls as a bot does: \`GET /v1/balance\` and handler \`getStatus\` of
one of its orders, alternately, at ${A_CONNECTIONS} connections and ${A_RATE} requests/s in all (a bot polling
${A_RATE} activations once a second, within the default per-key budget). Tenant B floods at ${B_CONNECTIONS}
connections: the whole catalog page (\`/v1/catalog/products?limit=10000\`), handler \`getPrices\` of
everything and \`/v1/orders?limit=100\`, in turn. Both load generators run in the bench process (each in
its own worker thread), so both tenants come from 127.0.0.1. The figure is A's p99 under B's flood; the
baseline is A's p99 alone, measured first. Latencies are of A's 2xx answers.`,
  },
  async run(env) {
    if (!env) throw new Error('fairness needs numpool');
    const [a, b] = await createCustomers(env.ctx, 2, { label: 'tenant' });
    const product = await deepestCatalogProduct(env.ctx);
    const [orderA] = await placeOrders(env.apiUrl, a!, { catalog_product_id: product.id });
    await placeOrders(env.apiUrl, b!, { catalog_product_id: product.id, quantity: 50 });
    const tenantA = {
      origin: env.apiUrl,
      connections: A_CONNECTIONS,
      overallRate: A_RATE,
      requests: [
        { path: '/v1/balance', headers: { authorization: `Bearer ${a!.key}` }, countLimited: true },
        {
          path: `/stubs/handler_api.php?action=getStatus&id=${orderA}&api_key=${a!.key}`,
          countLimited: true,
        },
      ],
    };
    const tenantB = {
      origin: env.apiUrl,
      connections: B_CONNECTIONS,
      headers: { 'accept-encoding': ACCEPT_ENCODING },
      requests: [
        { path: '/v1/catalog/products?limit=10000', headers: { authorization: `Bearer ${b!.key}` } },
        { path: `/stubs/handler_api.php?action=getPrices&api_key=${b!.key}`, countLimited: true },
        { path: '/v1/orders?limit=100', headers: { authorization: `Bearer ${b!.key}` } },
      ],
    };
    await runLoad({ ...tenantA, durationSeconds: 2 });
    const alone = await runLoad({ ...tenantA, durationSeconds: DURATION_SECONDS });
    console.log(`  A alone:  ${describeLoad(alone)}`);
    // B starts first and ends last, so A is measured entirely under the flood.
    const flood = runLoad({ ...tenantB, durationSeconds: DURATION_SECONDS + 3 });
    await sleep(1_500);
    const underFlood = await runLoad({ ...tenantA, durationSeconds: DURATION_SECONDS });
    const floodResult = await flood;
    console.log(`  A flood:  ${describeLoad(underFlood)}`);
    console.log(`  B:        ${describeLoad(floodResult)}`);
    return [
      entry({
        name: 'fairness',
        label: "tenant A's p99 under tenant B's flood",
        value: Number(underFlood.p99.toFixed(2)),
        unit: 'ms (p99)',
        baseline: Number(alone.p99.toFixed(2)),
        p50: underFlood.p50,
        p99: underFlood.p99,
        baseline_p50: alone.p50,
        baseline_p99: alone.p99,
        a_requests_per_s_alone: Math.round(alone.requestsPerSecond),
        a_requests_per_s_flood: Math.round(underFlood.requestsPerSecond),
        a_429: count429(underFlood),
        a_429_alone: count429(alone),
        a_status_codes: underFlood.statusCodes,
        b_429: count429(floodResult),
        b_requests_per_s: Math.round(floodResult.requestsPerSecond),
        b_status_codes: floodResult.statusCodes,
        b_errors: floodResult.errors,
        figure: `A p50 ${fmtMs(underFlood.p50)}, p99 ${fmtMs(underFlood.p99)} (${fmtRate(underFlood.requestsPerSecond)})`,
        baseline_figure: `A alone p50 ${fmtMs(alone.p50)}, p99 ${fmtMs(alone.p99)} (${fmtRate(alone.requestsPerSecond)})`,
        detail: `A's 429s: ${count429(underFlood)} (alone ${count429(alone)}); B: ${fmtRate(floodResult.requestsPerSecond)}, 429s ${count429(floodResult)}, other codes ${Object.entries(
          floodResult.statusCodes,
        )
          .filter(([code]) => code !== '429')
          .map(([code, n]) => `${code}×${n}`)
          .join(', ')}, errors ${floodResult.errors}`,
      }),
    ];
  },
};
