/**
 * Catalog reads over the full pool (three providers × full catalog): one country × platform, a page of
 * 100, the whole catalog in one page (the route's maximum), and the handler's getPrices of everything.
 */
import { compareRead } from '../lib/compare-reads.ts';
import type { Entry } from '../lib/report.ts';
import type { ScenarioGroup } from '../lib/scenario.ts';
import { createCustomers, deepestCatalogProduct } from '../lib/seed.ts';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
/** What a browser or an HTTP library sends; numpool and the baseline get the same. */
const ACCEPT_ENCODING = 'gzip, deflate, br';

export const catalogReads: ScenarioGroup = {
  needsNumpool: true,
  limits: 'unlimited',
  section: {
    id: 'catalog',
    title: 'Catalog reads',
    names: ['catalog-country-platform', 'catalog-page-100', 'catalog-full-page', 'catalog-get-prices'],
    prose: `The pool holds the full catalog of three simulated providers (offer counts under Resources).
\`catalog-country-platform\`: \`/v1/catalog/products\` of one country × platform (the deepest one);
\`catalog-page-100\`: \`/v1/catalog/products?limit=100&page=2\`; \`catalog-full-page\`: the whole
catalog in one page (\`limit=10000\`, the route's maximum); \`catalog-get-prices\`: the handler's
\`getPrices\` with no filter. ${CONNECTIONS} connections, \`accept-encoding: ${ACCEPT_ENCODING}\` on every
request to both sides; the baseline node:http process sends the bytes numpool sent (so the same
encoding). "On the wire" is what the client received per answer, headers included.`,
  },
  async run(env, wanted) {
    if (!env) throw new Error('catalog reads need numpool');
    const [customer] = await createCustomers(env.ctx, 1, { label: 'catalog' });
    const key = customer!.key;
    const deepest = await deepestCatalogProduct(env.ctx);
    const place = await env.ctx.db.query<{ country_id: number; platform_id: number }>(
      'SELECT country_id, platform_id FROM catalog_products WHERE id = $1',
      [deepest.id],
    );
    const { country_id: country, platform_id: platform } = place.rows[0]!;
    const bearer = { authorization: `Bearer ${key}`, 'accept-encoding': ACCEPT_ENCODING };
    const targets = [
      {
        name: 'catalog-country-platform',
        label: 'one country × platform (/v1)',
        paths: [`/v1/catalog/products?country_id=${country}&platform_id=${platform}`],
        headers: bearer,
      },
      {
        name: 'catalog-page-100',
        label: 'a page of 100 (/v1)',
        paths: ['/v1/catalog/products?limit=100&page=2'],
        headers: bearer,
      },
      {
        name: 'catalog-full-page',
        label: 'the whole catalog in one page (/v1, limit=10000)',
        paths: ['/v1/catalog/products?limit=10000'],
        headers: bearer,
      },
      {
        name: 'catalog-get-prices',
        label: 'handler getPrices, whole catalog',
        paths: [`/stubs/handler_api.php?action=getPrices&api_key=${key}`],
        headers: { 'accept-encoding': ACCEPT_ENCODING },
      },
    ];
    const entries: Entry[] = [];
    for (const target of targets) {
      if (wanted.has(target.name))
        entries.push(await compareRead(env, { ...target, connections: CONNECTIONS }));
    }
    return entries;
  },
};
