/**
 * getStatus, the hottest call of the handler protocol (bots poll it every second or two): numpool's
 * answer, served from the key and order caches while nothing changes, beside a bare node:http server
 * sending the same bytes.
 */
import type { AddressInfo } from 'node:net';
import { createAccount } from '../src/accounts/create-account.ts';
import { issueApiKey } from '../src/accounts/issue-api-key.ts';
import { buildApp } from '../src/api/app.ts';
import { deposit } from '../src/ledger/deposit.ts';
import { startSandboxProviders } from '../src/sandbox/start-sandbox-providers.ts';
import { loadLine, machineLine, measure, openBenchContext, startBaseline, writeSection } from './support.ts';

export async function benchHandlerStatus(): Promise<void> {
  const { ctx, close } = await openBenchContext();
  const rows: string[] = [];
  try {
    const supply = await startSandboxProviders({
      ctx,
      input: { port: 0, seed: 5, smsDelayMs: 600_000, noSmsRate: 1 },
    });
    const app = await buildApp(ctx);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/stubs/handler_api.php`;
    const { account } = await createAccount({
      ctx,
      input: { email: `bench-${Date.now()}@example.test`, role: 'customer' },
    });
    await deposit({ ctx, input: { accountId: account.id, amount: 10_000_000 } });
    const { key } = await issueApiKey({ ctx, input: { accountId: account.id } });
    const number = await (await fetch(`${base}?api_key=${key}&action=getNumber&service=wa&country=6`)).text();
    const id = number.split(':')[1];

    for (const [label, query] of [
      ['getStatus (waiting for the code)', `action=getStatus&id=${id}`],
      ['getBalance', 'action=getBalance'],
    ] as const) {
      const url = `${base}?api_key=${key}&${query}`;
      const body = await (await fetch(url)).text();
      const baseline = await startBaseline(body, 'text/plain; charset=utf-8');
      const ours = await measure(url);
      const bare = await measure(baseline.url);
      await baseline.close();
      console.log(label, body, ours, bare);
      rows.push(
        `| ${label} | \`${body}\` | ${ours.requestsPerSecond} | ${ours.p50} | ${ours.p99} | ${bare.requestsPerSecond} | ${bare.p50} | ${bare.p99} |`,
      );
    }
    await app.close();
    await supply.simulator.close();
  } finally {
    await close();
  }
  writeSection(
    'handler-status',
    `## Handler API hot path

${machineLine()} ${loadLine()}
getStatus answers from the API-key cache and the order cache (evicted by every change of the order,
through the bus) — no database round trip while the order is unchanged. getBalance reads the wallet
each time. Latencies in whole ms (0 = under 1 ms).

| call | answer | numpool req/s | p50 | p99 | node:http req/s | p50 | p99 |
|---|---|---|---|---|---|---|---|
${rows.join('\n')}`,
  );
}
