/**
 * Code delivery latency: from the moment a (simulated) provider emits an SMS to the moment the customer
 * has it, by signed webhook and by the SSE stream, for 100 and 1,000 concurrent activations.
 *
 * The path measured: provider push → /hooks/providers/beta → ingestion (dedupe, charge, outbox) → pg-boss
 * job → webhook POST to a local receiver; and → bus wake-up → /v2/stream. Beside it, the floor on this
 * machine: a bare node:http relay that forwards each POST to the same kind of receiver at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccount } from '../src/accounts/create-account.ts';
import { issueApiKey } from '../src/accounts/issue-api-key.ts';
import { buildApp } from '../src/api/app.ts';
import { updateWebhookConfig } from '../src/delivery/webhooks/webhook-config.ts';
import { startJobs } from '../src/jobs/job-runner.ts';
import { deposit } from '../src/ledger/deposit.ts';
import { createOrders } from '../src/orders/create-orders.ts';
import { connectSandboxPush, startSandboxProviders } from '../src/sandbox/start-sandbox-providers.ts';
import { machineLine, openBenchContext, writeSection } from './support.ts';

const SIZES = (process.env.BENCH_ACTIVATIONS ?? '100,1000').split(',').map(Number);

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
  };
};
const fmt = (ms: number) => (Number.isNaN(ms) ? '–' : ms.toFixed(1));

/** A receiver that notes when each order's event arrived (performance.now()). */
async function startReceiver(onEvent: (orderId: number, at: number) => void) {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (body.event === 'order.otp_received') onEvent(body.data.order_id, at);
        else if (typeof body.id === 'number') onEvent(body.id, at);
      } catch {
        // not ours
      }
      res.writeHead(200).end('ok');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, server };
}

/** The floor: a POST into a bare node:http relay that forwards it to a receiver. */
async function baseline(count: number): Promise<number[]> {
  const arrivals = new Map<number, number>();
  const receiver = await startReceiver((id, at) => arrivals.set(id, at));
  const target = new URL(receiver.url);
  const relay = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const forward = httpRequest(
        { host: target.hostname, port: target.port, path: target.pathname, method: 'POST' },
        (r) => {
          r.resume();
          r.on('end', () => res.writeHead(200).end('OK'));
        },
      );
      forward.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const port = (relay.address() as AddressInfo).port;
  const sent = new Map<number, number>();
  await Promise.all(
    Array.from(
      { length: count },
      (_, id) =>
        new Promise<void>((resolve) => {
          sent.set(id, performance.now());
          const req = httpRequest({ host: '127.0.0.1', port, path: '/', method: 'POST' }, (r) => {
            r.resume();
            r.on('end', () => resolve());
          });
          req.end(JSON.stringify({ id }));
        }),
    ),
  );
  relay.close();
  receiver.server.close();
  return [...sent].flatMap(([id, at]) => (arrivals.has(id) ? [arrivals.get(id)! - at] : []));
}

export async function benchOtpLatency(): Promise<void> {
  const { ctx: base, close } = await openBenchContext();
  const ctx = {
    ...base,
    config: { ...base.config, webhooks: { ...base.config.webhooks, allowPrivate: true } },
  };
  const dataDir = mkdtempSync(join(tmpdir(), 'numpool-bench-'));
  const rows: string[] = [];
  try {
    const supply = await startSandboxProviders({
      ctx,
      input: { port: 0, seed: 3, smsDelayMs: 600_000, noSmsRate: 1 },
    });
    const jobs = await startJobs(ctx);
    const app = await buildApp(ctx);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const apiUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    await connectSandboxPush({ ctx, input: { supply, apiUrl } });

    const webhookAt = new Map<number, number>();
    const receiver = await startReceiver((id, at) => webhookAt.set(id, at));
    const { account } = await createAccount({
      ctx,
      input: { email: `bench-${Date.now()}@example.test`, role: 'customer' },
    });
    await deposit({ ctx, input: { accountId: account.id, amount: 500_000_000_000 } });
    await updateWebhookConfig({ ctx, input: { accountId: account.id, changes: { url: receiver.url } } });
    const { key } = await issueApiKey({ ctx, input: { accountId: account.id } });

    // The SSE stream, read as it arrives.
    const sseAt = new Map<number, number>();
    const stream = await fetch(`${apiUrl}/v2/stream`, { headers: { authorization: `Bearer ${key}` } });
    const reader = stream.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    void (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        const at = performance.now();
        for (const match of buffer.matchAll(/event: order\.otp_received\ndata: (.*)\n\n/g)) {
          sseAt.set(JSON.parse(match[1]!).data.order_id, at);
        }
        buffer = buffer.slice(buffer.lastIndexOf('\n\n') + 2);
      }
    })();

    // Beta pushes; its Indonesian slots with the most stock take the orders.
    const slots = await ctx.db.query<{ id: number }>(
      `SELECT p.id FROM products p JOIN providers v ON v.id = p.provider_id WHERE v.code = 'beta' AND p.available > 0
       ORDER BY p.available DESC LIMIT 40`,
    );
    for (const size of SIZES) {
      const orders: Array<{ id: number; ref: string }> = [];
      for (let i = 0; orders.length < size && i < 200; i++) {
        const slot = slots.rows[i % slots.rows.length]!;
        const created = await createOrders({
          ctx,
          input: {
            accountId: account.id,
            productId: slot.id,
            quantity: Math.min(100, size - orders.length),
            fingerprint: { i, size },
          },
        }).catch(() => ({ orders: [] }));
        for (const o of created.orders) {
          const row = await ctx.db.query<{ provider_ref: string }>(
            'SELECT provider_ref FROM orders WHERE id = $1',
            [o.id],
          );
          orders.push({ id: o.id, ref: row.rows[0]!.provider_ref });
        }
      }
      const emitted = new Map<number, number>();
      await Promise.all(
        orders.map(async (o) => {
          emitted.set(o.id, performance.now());
          await supply.simulator.injectSms('beta', o.ref, {
            text: `Your WhatsApp code: ${100 + (o.id % 900)}-${100 + (o.id % 899)}`,
          });
        }),
      );
      const deadline = Date.now() + 60_000;
      while (
        (orders.some((o) => !webhookAt.has(o.id)) || orders.some((o) => !sseAt.has(o.id))) &&
        Date.now() < deadline
      ) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const webhook = summary(
        orders.flatMap((o) => (webhookAt.has(o.id) ? [webhookAt.get(o.id)! - emitted.get(o.id)!] : [])),
      );
      const sse = summary(
        orders.flatMap((o) => (sseAt.has(o.id) ? [sseAt.get(o.id)! - emitted.get(o.id)!] : [])),
      );
      const floor = summary(await baseline(orders.length));
      console.log(size, { webhook, sse, floor });
      rows.push(
        `| ${orders.length} | webhook | ${webhook.n} | ${fmt(webhook.p50)} | ${fmt(webhook.p95)} | ${fmt(webhook.p99)} |`,
        `| ${orders.length} | SSE | ${sse.n} | ${fmt(sse.p50)} | ${fmt(sse.p95)} | ${fmt(sse.p99)} |`,
        `| ${orders.length} | node:http relay (floor) | ${floor.n} | ${fmt(floor.p50)} | ${fmt(floor.p95)} | ${fmt(floor.p99)} |`,
      );
    }
    await reader.cancel().catch(() => undefined);
    await app.close();
    await jobs.stop();
    await supply.simulator.close();
    receiver.server.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    await close();
  }
  writeSection(
    'otp-latency',
    `## Code delivery latency

${machineLine()}
From the simulated provider emitting an SMS (pushed to numpool) to the customer holding it: by signed
webhook (ingestion, charge and outbox in one transaction, pg-boss job woken by NOTIFY, POST through the
SSRF-guarded client) and by \`/v2/stream\`. All SMS of a row are emitted at once. The floor is a bare
node:http relay forwarding the same number of concurrent POSTs. Milliseconds; "delivered" counts the
activations whose code arrived within 60 s. The simulator, numpool (API and worker), the receivers and the
stream client share one process, with PostgreSQL, on the machine's cores; all activations belong to one
account, so every first SMS charges the same wallet row in turn — the worst case for a burst.

| activations | path | delivered | p50 | p95 | p99 |
|---|---|---|---|---|---|
${rows.join('\n')}`,
  );
}
