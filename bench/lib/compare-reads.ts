/**
 * A read beside the same bytes from bare node:http: the answers are fetched from numpool first and
 * stored in the baseline process, then both are loaded alike (same paths, same request headers,
 * accept-encoding included), each after a short warm-up.
 */
import type { BenchEnv } from './environment.ts';
import { rawRequest } from './http.ts';
import { DURATION_SECONDS, describeLoad, type LoadResult, runLoad } from './load.ts';
import { sleep } from './processes.ts';
import { type Entry, entry } from './report.ts';
import { fmtBytes, fmtMs, fmtRate } from './scenario.ts';

const WARMUP_SECONDS = Math.min(2, Math.max(1, Math.round(DURATION_SECONDS / 5)));

export interface ReadTarget {
  name: string;
  label: string;
  paths: string[];
  headers: Record<string, string>;
  connections: number;
}

async function measure(origin: string, target: ReadTarget): Promise<LoadResult> {
  const spec = {
    origin,
    connections: target.connections,
    requests: target.paths.map((path) => ({ path })),
    headers: target.headers,
  };
  await runLoad({ ...spec, durationSeconds: WARMUP_SECONDS });
  return runLoad({ ...spec, durationSeconds: DURATION_SECONDS });
}

/** Until GET /healthz answers within 20 ms (at most 20 s). */
async function waitForIdle(apiUrl: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const started = performance.now();
    await rawRequest(`${apiUrl}/healthz`).catch(() => undefined);
    if (performance.now() - started < 20) return;
    await sleep(200);
  }
}

export async function compareRead(env: BenchEnv, target: ReadTarget): Promise<Entry> {
  let bodyBytes = 0;
  let encoding = 'identity';
  for (const path of target.paths) {
    const answer = await rawRequest(`${env.apiUrl}${path}`, { headers: target.headers });
    if (answer.status !== 200)
      throw new Error(`${path}: ${answer.status} ${answer.body.toString().slice(0, 300)}`);
    await env.baseline.store(path, answer);
    bodyBytes += answer.body.length;
    encoding = answer.headers['content-encoding'] ?? 'identity';
  }
  bodyBytes /= target.paths.length;
  const ours = await measure(env.apiUrl, target);
  console.log(`  ${target.name} numpool:   ${describeLoad(ours)}`);
  // Requests the load generator gave up on may still be running in the api: let them finish first.
  await waitForIdle(env.apiUrl);
  const bare = await measure(env.baseline.url, target);
  console.log(`  ${target.name} node:http: ${describeLoad(bare)}`);
  return entry({
    name: target.name,
    label: target.label,
    value: Math.round(ours.requestsPerSecond),
    unit: 'req/s',
    baseline: Math.round(bare.requestsPerSecond),
    p50: ours.p50,
    p99: ours.p99,
    baseline_p50: bare.p50,
    baseline_p99: bare.p99,
    connections: target.connections,
    duration_s: DURATION_SECONDS,
    body_bytes: Math.round(bodyBytes),
    wire_bytes_per_answer: Math.round(ours.bytesPerAnswer),
    content_encoding: encoding,
    non2xx: ours.non2xx,
    errors: ours.errors,
    figure: `${fmtRate(ours.requestsPerSecond)}, p50 ${fmtMs(ours.p50)}, p99 ${fmtMs(ours.p99)}`,
    baseline_figure: `${fmtRate(bare.requestsPerSecond)}, p50 ${fmtMs(bare.p50)}, p99 ${fmtMs(bare.p99)}`,
    detail: `${target.connections} conn.; ${fmtBytes(ours.bytesPerAnswer)} on the wire per answer (body ${fmtBytes(bodyBytes)}, ${encoding}); non-2xx ${ours.non2xx}, errors ${ours.errors}`,
  });
}
