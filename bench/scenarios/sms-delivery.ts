/**
 * SMS → customer. 1,000 open activations at the pushing provider (beta) over 100 customers, each with
 * its webhook pointed at the bench's receiver and one /v2/stream open. SMS are injected at the
 * simulator, which pushes them to numpool's provider hook; latency runs from just before the inject call
 * to the webhook POST / SSE event carrying that SMS text. Sustained: a Poisson stream (200/s for 30 s, so
 * every activation gets several novel SMS); burst: one SMS for every activation at once. The floor: a bare
 * node:http relay process forwarding each POST to the same receiver, fed with the same arrival pattern.
 */
import pLimit from 'p-limit';
import { Pool } from 'undici';
import type { BenchEnv } from '../lib/environment.ts';
import { sleep, startNode } from '../lib/processes.ts';
import { openStreams, startWebhookReceiver } from '../lib/receivers.ts';
import { type Entry, entry } from '../lib/report.ts';
import { fmtMs, type ScenarioGroup } from '../lib/scenario.ts';
import { createCustomers, placeOrders } from '../lib/seed.ts';
import { type LatencySummary, summarize } from '../lib/stats.ts';

const ACTIVATIONS = Number(process.env.BENCH_ACTIVATIONS ?? 1000);
const ACCOUNTS = Number(process.env.BENCH_SMS_ACCOUNTS ?? 100);
const RATE = Number(process.env.BENCH_SMS_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SMS_SECONDS ?? 30);
/** How long to wait for stragglers after the last SMS. */
const DRAIN_MS = Number(process.env.BENCH_SMS_DRAIN_MS ?? 30_000);
/**
 * Keep-alive connections from the emitter to the simulator and to the relay: a provider keeps a few
 * connections open rather than one per SMS (a connection storm overflows the listener's backlog). An SMS
 * waiting for a free connection counts in its latency.
 */
const EMIT_CONNECTIONS = Number(process.env.BENCH_SMS_CONNECTIONS ?? 64);

interface Activation {
  orderId: number;
  ref: string;
}

let sequence = 0;
/** A text no activation has had before (numpool ignores an SMS it has already seen). */
function novelSms(): { text: string; code: string } {
  const code = String(100_000 + (sequence++ % 900_000));
  return { text: `Your WhatsApp code: ${code}. Do not share it. #${sequence}`, code };
}

/** Offsets (ms) of a Poisson arrival stream. */
function poissonOffsets(rate: number, seconds: number): number[] {
  const offsets: number[] = [];
  let t = 0;
  for (;;) {
    t += (-Math.log(1 - Math.random()) / rate) * 1000;
    if (t >= seconds * 1000) return offsets;
    offsets.push(t);
  }
}

interface Emission {
  /** From the first send to the last one fired. */
  emitMs: number;
  /** Why sends failed, by reason. */
  failures: Map<string, number>;
}

/** Fires send(i) at each offset (all at once when offsets are all 0); resolves when every call returned. */
async function emit(offsets: number[], send: (i: number) => Promise<void>): Promise<Emission> {
  const start = performance.now();
  const calls: Promise<void>[] = [];
  const failures = new Map<string, number>();
  for (const [i, offset] of offsets.entries()) {
    const wait = start + offset - performance.now();
    if (wait > 1) await sleep(wait);
    calls.push(
      send(i).catch((error: unknown) => {
        const cause =
          error instanceof Error
            ? ((error.cause as Error | undefined)?.message ?? error.message)
            : String(error);
        failures.set(cause, (failures.get(cause) ?? 0) + 1);
      }),
    );
  }
  const emitMs = performance.now() - start;
  await Promise.all(calls);
  return { emitMs, failures };
}

const failureCount = (e: Emission) => [...e.failures.values()].reduce((a, b) => a + b, 0);
const describeFailures = (e: Emission) =>
  [...e.failures].map(([reason, n]) => `${n}× ${reason}`).join('; ') || 'none';

async function drain(sent: Map<string, number>, arrivals: Array<Map<string, number>>): Promise<void> {
  const deadline = Date.now() + DRAIN_MS;
  while (Date.now() < deadline) {
    if (arrivals.every((at) => [...sent.keys()].every((text) => at.has(text)))) return;
    await sleep(50);
  }
}

const latencies = (sent: Map<string, number>, at: Map<string, number>) =>
  summarize([...sent].flatMap(([text, t]) => (at.has(text) ? [at.get(text)! - t] : [])));

async function openActivations(env: BenchEnv, receiverUrl: string) {
  const customers = await createCustomers(env.ctx, ACCOUNTS, { label: 'sms', webhookUrl: receiverUrl });
  const beta = env.providers.find((p) => p.code === 'beta')!;
  const slots = await env.ctx.db.query<{ id: number }>(
    `SELECT id FROM products WHERE provider_id = $1 AND active AND available > 0 ORDER BY available DESC LIMIT 50`,
    [beta.id],
  );
  const perAccount = Math.ceil(ACTIVATIONS / ACCOUNTS);
  const ids: number[] = [];
  const limit = pLimit(4);
  await Promise.all(
    customers.map((customer, i) =>
      limit(async () => {
        let placed = 0;
        for (let attempt = 0; placed < perAccount && attempt < 5; attempt++) {
          const slot = slots.rows[(i + attempt * 7) % slots.rows.length]!;
          const made = await placeOrders(env.apiUrl, customer, {
            product_id: slot.id,
            quantity: perAccount - placed,
          }).catch(() => []);
          placed += made.length;
          ids.push(...made);
        }
      }),
    ),
  );
  const rows = await env.ctx.db.query<{ id: number; provider_ref: string }>(
    `SELECT id, provider_ref FROM orders WHERE id = ANY($1) AND status = 'ACTIVE' ORDER BY id`,
    [ids],
  );
  const activations: Activation[] = rows.rows
    .slice(0, ACTIVATIONS)
    .map((r) => ({ orderId: r.id, ref: r.provider_ref }));
  return { customers, activations };
}

function smsEntry(
  name: string,
  label: string,
  ours: LatencySummary,
  floor: LatencySummary,
  sent: number,
  extra: Record<string, unknown>,
): Entry {
  return entry({
    name,
    label,
    value: Number(ours.p99.toFixed(1)),
    unit: 'ms (p99)',
    baseline: Number(floor.p99.toFixed(1)),
    p50: ours.p50,
    p95: ours.p95,
    p99: ours.p99,
    max: ours.max,
    delivered: ours.count,
    sent,
    baseline_p50: floor.p50,
    baseline_p95: floor.p95,
    baseline_p99: floor.p99,
    baseline_delivered: floor.count,
    ...extra,
    figure: `p50 ${fmtMs(ours.p50)}, p95 ${fmtMs(ours.p95)}, p99 ${fmtMs(ours.p99)}`,
    baseline_figure: `relay p50 ${fmtMs(floor.p50)}, p95 ${fmtMs(floor.p95)}, p99 ${fmtMs(floor.p99)}`,
    detail: `delivered ${ours.count} of ${sent} SMS (relay ${floor.count})${extra.inject_failures ? `; ${extra.inject_failures} injects failed at the simulator, not counted` : ''}`,
  });
}

export const smsDelivery: ScenarioGroup = {
  needsNumpool: true,
  limits: 'unlimited',
  section: {
    id: 'sms',
    title: 'SMS → customer',
    names: ['sms-webhook-sustained', 'sms-sse-sustained', 'sms-webhook-burst', 'sms-sse-burst'],
    prose: `${ACTIVATIONS} open activations at the simulated provider that pushes SMS (beta), over ${ACCOUNTS} customers;
each customer's webhook points at a receiver in the bench process and each has one \`/v2/stream\` open.
The bench injects SMS through the simulator's control API; the simulator POSTs each to numpool's
provider hook (api process), which ingests it (dedupe, charge on the first SMS, outbox) and commits;
the worker process sends the signed webhook and the api process's streams push the SSE event. Latency
runs from just before the inject call to the arrival of the webhook / SSE event carrying that SMS's
text. *Sustained*: a Poisson stream at ${RATE}/s for ${SECONDS} s, spread over the activations in turn (so most
SMS are repeats on an already-charged order, each with a novel text, each an \`order.otp_received\`).
*Burst*: one novel SMS for every activation at once. The floor is a bare node:http relay process
forwarding each POST to the same receiver over keep-alive, fed the same arrival pattern from the same
process. The emitter holds ${EMIT_CONNECTIONS} keep-alive connections to the simulator (and as many to the relay); an
SMS waiting for one counts in its latency. Figures in ms; "delivered" counts arrivals within
${DRAIN_MS / 1000} s of the last SMS; an SMS the simulator did not take (connection timeout, error) is not
counted as sent and is reported beside.`,
  },
  async run(env, wanted) {
    if (!env) throw new Error('SMS delivery needs numpool');
    const receiver = await startWebhookReceiver();
    const relay = startNode('relay', [new URL('../servers/relay-server.ts', import.meta.url).pathname], {
      RELAY_TARGET: receiver.url,
    });
    const entries: Entry[] = [];
    const clients: Pool[] = [];
    try {
      const [, relayPort] = await relay.waitForOutput(/listening (\d+)/, 60_000);
      const relayClient = new Pool(`http://127.0.0.1:${relayPort}`, { connections: EMIT_CONNECTIONS });
      const simulator = new Pool(env.simUrl, { connections: EMIT_CONNECTIONS });
      clients.push(relayClient, simulator);
      const { customers, activations } = await openActivations(env, receiver.url);
      console.log(`  ${activations.length} activations open over ${customers.length} customers`);
      if (activations.length === 0) throw new Error('no activations could be opened');
      const streams = await openStreams(
        env.apiUrl,
        customers.map((c) => c.key),
      );
      try {
        // An SMS the simulator did not take is not counted as sent.
        const inject = async (activation: Activation, sent: Map<string, number>) => {
          const sms = novelSms();
          sent.set(sms.text, performance.now());
          try {
            const response = await simulator.request({
              path: `/control/personas/beta/activations/${activation.ref}/sms`,
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(sms),
            });
            const answer = await response.body.text();
            if (response.statusCode !== 200) {
              throw new Error(`simulator ${response.statusCode}: ${answer.slice(0, 100)}`);
            }
          } catch (error) {
            sent.delete(sms.text);
            throw error;
          }
        };
        const relayPost = async (sent: Map<string, number>) => {
          const { text } = novelSms();
          sent.set(text, performance.now());
          try {
            const response = await relayClient.request({
              path: '/',
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ text }),
            });
            await response.body.text();
          } catch (error) {
            sent.delete(text);
            throw error;
          }
        };

        // Warm-up: the whole path once (the worker is up, pushes reach the hook, streams are live).
        const warm = new Map<string, number>();
        const warmRelay = new Map<string, number>();
        await inject(activations[0]!, warm);
        await relayPost(warmRelay);
        await drain(warm, [receiver.at, streams.at]);
        await drain(warmRelay, [receiver.at]);
        const arrived = (sent: Map<string, number>, at: Map<string, number>) =>
          [...sent.keys()].every((t) => at.has(t));
        if (!arrived(warm, receiver.at) || !arrived(warm, streams.at) || !arrived(warmRelay, receiver.at)) {
          throw new Error('the warm-up SMS did not arrive by webhook, stream and relay');
        }

        const phase = async (kind: 'sustained' | 'burst') => {
          const offsets =
            kind === 'sustained'
              ? poissonOffsets(RATE, SECONDS)
              : Array.from({ length: activations.length }, () => 0);
          const order = [...activations].sort(() => Math.random() - 0.5);
          const sent = new Map<string, number>();
          const emission = await emit(offsets, (i) => inject(order[i % order.length]!, sent));
          const failed = failureCount(emission);
          await drain(sent, [receiver.at, streams.at]);
          const webhook = latencies(sent, receiver.at);
          const sse = latencies(sent, streams.at);
          console.log(
            `  ${kind}: ${sent.size} SMS taken in ${(emission.emitMs / 1000).toFixed(1)} s (failed injects: ${describeFailures(emission)}); webhook p50 ${fmtMs(webhook.p50)} p99 ${fmtMs(webhook.p99)} (${webhook.count}); SSE p50 ${fmtMs(sse.p50)} p99 ${fmtMs(sse.p99)} (${sse.count})`,
          );
          const floorSent = new Map<string, number>();
          const relayed = await emit(offsets, () => relayPost(floorSent));
          await drain(floorSent, [receiver.at]);
          const floor = latencies(floorSent, receiver.at);
          console.log(
            `  ${kind} relay: p50 ${fmtMs(floor.p50)} p99 ${fmtMs(floor.p99)} (${floor.count}; failed: ${describeFailures(relayed)})`,
          );
          const extra = {
            activations: activations.length,
            accounts: customers.length,
            inject_failures: failed,
            emit_s: Number((emission.emitMs / 1000).toFixed(1)),
            ...(kind === 'sustained' ? { rate_per_s: RATE, seconds: SECONDS } : {}),
          };
          const how =
            kind === 'sustained' ? `Poisson ${RATE}/s × ${SECONDS} s` : `${activations.length} at once`;
          entries.push(
            smsEntry(`sms-webhook-${kind}`, `SMS → webhook, ${how}`, webhook, floor, sent.size, extra),
            smsEntry(`sms-sse-${kind}`, `SMS → SSE, ${how}`, sse, floor, sent.size, extra),
          );
        };
        if (wanted.has('sms-webhook-sustained') || wanted.has('sms-sse-sustained')) await phase('sustained');
        if (wanted.has('sms-webhook-burst') || wanted.has('sms-sse-burst')) await phase('burst');
      } finally {
        streams.close();
      }
    } finally {
      for (const client of clients) await client.destroy();
      await relay.stop();
      await receiver.close();
    }
    return entries.filter((e) => wanted.has(e.name));
  },
};
