/**
 * Catalog reads over a full sandbox pool (three simulated providers × full catalog, ~100k tier slots):
 * numpool's /catalog/products and /catalog/operators against a bare node:http server sending the same
 * bytes. Also times the offer syncs that fill the pool.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/api/app.ts';
import { syncProviderOffers } from '../src/providers/sync-offers.ts';
import { ensureDemoAccounts } from '../src/sandbox/ensure-demo-accounts.ts';
import { startSandboxProviders } from '../src/sandbox/start-sandbox-providers.ts';
import { loadLine, machineLine, measure, openBenchContext, startBaseline, writeSection } from './support.ts';

const TARGETS = [
  ['one country × platform (v1)', '/v1/catalog/products?country_id=6&platform_id=1'],
  ['one country, 100 per page, v2 money', '/v2/catalog/products?country_id=6&limit=100&sort=price_desc'],
  ['whole catalog, page 5 of 1000, by name', '/v1/catalog/products?limit=1000&page=5&sort=name_asc'],
  ['operators of a country × platform', '/v1/catalog/operators?country_id=6&platform_id=1'],
] as const;

export async function benchCatalogProducts(): Promise<void> {
  const { ctx, close } = await openBenchContext();
  const dataDir = mkdtempSync(join(tmpdir(), 'numpool-bench-'));
  try {
    const { credentials } = await ensureDemoAccounts({ ctx, input: { dataDir } });
    const headers = { authorization: `Bearer ${credentials.api_key}` };

    const started = performance.now();
    const supply = await startSandboxProviders({
      ctx,
      input: { port: 0, seed: 1, smsDelayMs: 60_000, noSmsRate: 0 },
    });
    const coldMs = Math.round(performance.now() - started);
    const warm = [];
    for (const provider of supply.providers)
      warm.push(await syncProviderOffers({ ctx, input: { providerId: provider.id } }));

    const app = await buildApp(ctx);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

    const rows: string[] = [];
    for (const [label, path] of TARGETS) {
      const body = await (await fetch(`${base}${path}`, { headers })).text();
      const baseline = await startBaseline(body);
      const ours = await measure(`${base}${path}`, headers);
      const bare = await measure(`${baseline.url}${path}`);
      await baseline.close();
      rows.push(
        `| ${label} | ${(body.length / 1024).toFixed(1)} KiB | ${ours.requestsPerSecond} | ${ours.p50} | ${ours.p99} | ${bare.requestsPerSecond} | ${bare.p50} | ${bare.p99} |`,
      );
      console.log(label, ours, bare);
    }
    await app.close();
    await supply.simulator.close();

    const slots = await ctx.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM products WHERE available > 0',
    );
    writeSection(
      'catalog-products',
      `## Catalog reads over the pool

${machineLine()} ${loadLine()} Pool: ${slots.rows[0]!.n} in-stock tier slots from ${supply.providers.length} simulated providers.
Latencies in whole ms as autocannon reports them (0 = under 1 ms). numpool authenticates the API key
(cached 5 s), then answers from its in-memory catalog snapshot; the baseline sends the same bytes with no
work at all.

| query | body | numpool req/s | p50 | p99 | node:http req/s | p50 | p99 |
|---|---|---|---|---|---|---|---|
${rows.join('\n')}

### Offer sync (3 providers, full catalog)

| provider | offers | re-sync ms |
|---|---|---|
${warm.map((s, i) => `| ${supply.providers[i]!.code} | ${s.offers} | ${s.durationMs} |`).join('\n')}

First sync of all three together (empty pool, simulator start included): ${coldMs} ms.`,
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    await close();
  }
}
