/**
 * Paid → credited. Duitku top-ups started over `POST /api/topups` are paid at the simulated Duitku (in the
 * bench process, speaking Duitku's wire format), which POSTs its signed callback to numpool's hook; the
 * worker re-checks the payment with Duitku's status call and credits the wallet. Latency runs from just
 * before the pay call to the moment the top-up reads `credited` in the database (polled every 5 ms).
 * The floor: the same pay calls for transactions whose callback goes to a bare node:http server that
 * answers at once — the simulator and one HTTP hop, with no numpool behind it.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pLimit from 'p-limit';
import { gatewayFor } from '../../src/payments/gateway-registry.ts';
import { loadGatewayConfig } from '../../src/payments/load-gateway-config.ts';
import { startSandboxGateways } from '../../src/sandbox/start-sandbox-gateways.ts';
import type { BenchEnv } from '../lib/environment.ts';
import { callJson } from '../lib/http.ts';
import { sleep } from '../lib/processes.ts';
import { type Entry, entry } from '../lib/report.ts';
import { fmtMs, type ScenarioGroup } from '../lib/scenario.ts';
import { type Customer, createCustomers } from '../lib/seed.ts';
import { type LatencySummary, summarize } from '../lib/stats.ts';

const PAYMENTS = Number(process.env.BENCH_TOPUPS ?? 200);
const RATE = Number(process.env.BENCH_TOPUP_RATE ?? 10);
/** Payments made at the same moment in the burst. */
const BURST = Number(process.env.BENCH_TOPUP_BURST ?? 100);
const POLL_MS = 5;
const DRAIN_MS = 30_000;

/**
 * Pays each reference at `rate` per second (Infinity: all at once); `landed(i)` resolves with when
 * payment i landed. Returns each payment's latency.
 */
async function payPaced(
  pay: (reference: string) => Promise<void>,
  references: string[],
  landed: (i: number) => Promise<number>,
  rate: number,
): Promise<number[]> {
  const start = performance.now();
  const latencies: Promise<number>[] = [];
  for (const [i, reference] of references.entries()) {
    const wait = start + (i * 1000) / rate - performance.now();
    if (wait > 1) await sleep(wait);
    const sentAt = performance.now();
    latencies.push(
      pay(reference)
        .then(() => landed(i))
        .then((at) => at - sentAt),
    );
  }
  return Promise.all(latencies);
}

export const topupCredit: ScenarioGroup = {
  needsNumpool: true,
  limits: 'unlimited',
  section: {
    id: 'topups',
    title: 'Top-up credit',
    names: ['topup-credit', 'topup-credit-burst'],
    prose: `${PAYMENTS} Duitku top-ups of 50,000 IDR, started over \`POST /api/topups\`, then paid at ${RATE} per
second at the simulated Duitku (in the bench process). Each payment makes Duitku POST its signed form
callback to \`/hooks/payments/duitku\` on the api process, which verifies it, stores it with its job and
answers; the worker process wakes, re-checks with Duitku's \`transactionStatus\` call and credits the
wallet in one transaction. The figure runs from just before the pay call to the top-up reading
\`credited\` (polled every ${POLL_MS} ms). The baseline pays transactions whose callback goes to a bare
node:http server answering at once: the simulator and one HTTP hop, with nothing behind it. The burst
pays ${BURST} other top-ups at the same moment.`,
  },
  async run(env, wanted) {
    if (!env) throw new Error('top-ups need numpool');
    const gateways = await startSandboxGateways({ ctx: env.ctx, input: {} });
    const floor = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end('OK'));
    });
    await new Promise<void>((resolve) => floor.listen(0, '127.0.0.1', resolve));
    try {
      const [customer] = await createCustomers(env.ctx, 1, { label: 'topup' });
      const run: Run = {
        env,
        customer: customer!,
        gatewaysUrl: gateways.url,
        floorUrl: `http://127.0.0.1:${(floor.address() as AddressInfo).port}/callback`,
      };
      const entries: Entry[] = [];
      for (const [name, count, rate] of [
        ['topup-credit', PAYMENTS, RATE],
        ['topup-credit-burst', BURST, Number.POSITIVE_INFINITY],
      ] as const) {
        if (!wanted.has(name)) continue;
        const ours = await creditLatencies(run, count, rate);
        console.log(`  ${name} numpool: ${describe(ours)}`);
        const baseline = await floorLatencies(run, count, rate);
        console.log(`  ${name} floor: ${describe(baseline)}`);
        const pace = rate === Number.POSITIVE_INFINITY ? 'all at once' : `at ${rate}/s`;
        entries.push(
          entry({
            name,
            label: `Duitku payment → wallet credited, ${count} ${pace}`,
            value: ours.p50,
            unit: 'ms',
            baseline: baseline.p50,
            p50: ours.p50,
            p99: ours.p99,
            payments: count,
            ours,
            floor: baseline,
            figure: `p50 ${fmtMs(ours.p50)}, p99 ${fmtMs(ours.p99)}`,
            baseline_figure: `callback to a bare server: p50 ${fmtMs(baseline.p50)}, p99 ${fmtMs(baseline.p99)}`,
            detail: `${ours.count} payments ${pace}; p95 ${fmtMs(ours.p95)}, max ${fmtMs(ours.max)}`,
          }),
        );
      }
      return entries;
    } finally {
      await new Promise<void>((resolve) => floor.close(() => resolve()));
      await gateways.close();
    }
  },
};

interface Run {
  env: BenchEnv;
  customer: Customer;
  gatewaysUrl: string;
  floorUrl: string;
}

/** The simulated Duitku's payment page, pressed: answers once its callback was answered. */
async function pay(run: Run, reference: string): Promise<void> {
  const response = await fetch(`${run.gatewaysUrl}/control/duitku/payments/${reference}/pay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`pay ${reference}: ${response.status}`);
}

/** `count` top-ups started over the API, paid at `rate`: from each pay call to its top-up credited. */
async function creditLatencies(run: Run, count: number, rate: number): Promise<LatencySummary> {
  const { env, customer } = run;
  const limit = pLimit(4);
  const topups = await Promise.all(
    Array.from({ length: count }, () =>
      limit(async () => {
        const created = await callJson<{ data: { id: string } }>(`${env.apiUrl}/api/topups`, {
          method: 'POST',
          headers: { authorization: `Bearer ${customer.key}` },
          body: { gateway: 'duitku', amount: '50000', currency: 'IDR', method: 'NQ' },
        });
        const id = Number(created.data.id.replace('np-topup-', ''));
        const row = await env.ctx.db.query<{ ref: string }>(
          'SELECT gateway_payment_id AS ref FROM topups WHERE id = $1',
          [id],
        );
        return { id, reference: row.rows[0]!.ref };
      }),
    ),
  );
  // One poller for all of them: which open top-ups read credited now.
  const creditedAt = new Map<number, number>();
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const open = topups.filter((t) => !creditedAt.has(t.id)).map((t) => t.id);
      if (open.length > 0) {
        const rows = await env.ctx.db.query<{ id: number }>(
          `SELECT id FROM topups WHERE id = ANY($1::bigint[]) AND status = 'credited'`,
          [open],
        );
        const now = performance.now();
        for (const { id } of rows.rows) creditedAt.set(Number(id), now);
      }
      await sleep(POLL_MS);
    }
  })();
  const landedAt = async (i: number) => {
    const id = topups[i]!.id;
    const deadline = performance.now() + DRAIN_MS;
    while (!creditedAt.has(id)) {
      if (performance.now() > deadline) throw new Error(`top-up ${id} was not credited`);
      await sleep(POLL_MS);
    }
    return creditedAt.get(id)!;
  };
  try {
    const references = topups.map((t) => t.reference);
    return summarize(await payPaced((ref) => pay(run, ref), references, landedAt, rate));
  } finally {
    polling = false;
    await poller;
  }
}

/** The floor: `count` payments at the same simulator whose callback a bare server answers. */
async function floorLatencies(run: Run, count: number, rate: number): Promise<LatencySummary> {
  const duitku = gatewayFor(await loadGatewayConfig({ ctx: run.env.ctx, input: { code: 'duitku' } }));
  const references: string[] = [];
  for (let i = 0; i < count; i++) {
    const made = await duitku.createPayment({
      topupId: `floor-${randomUUID().slice(0, 18)}`,
      accountId: run.customer.accountId,
      amount: '50000',
      currency: 'IDR',
      method: 'NQ',
      customerEmail: 'floor@bench.example',
      callbackUrl: run.floorUrl,
      returnUrl: 'http://127.0.0.1/return',
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    references.push(made.gatewayPaymentId);
  }
  // The pay call answers once its callback was answered: that is when a floor payment landed.
  return summarize(
    await payPaced(
      (ref) => pay(run, ref),
      references,
      async () => performance.now(),
      rate,
    ),
  );
}

function describe(s: LatencySummary): string {
  return `${s.count} payments, p50 ${fmtMs(s.p50)}, p95 ${fmtMs(s.p95)}, p99 ${fmtMs(s.p99)}, max ${fmtMs(s.max)}`;
}
