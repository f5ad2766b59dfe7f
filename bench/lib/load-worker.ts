/**
 * The load generator's thread: runs autocannon on a LoadSpec and posts back a LoadResult. Latencies are
 * taken from each response (autocannon's own histogram keeps whole milliseconds only).
 */
import { randomUUID } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import autocannon from 'autocannon';
import type { LoadResult, LoadSpec } from './load-spec.ts';
import { percentile } from './stats.ts';

const spec = workerData as LoadSpec;
let next = 0;
const dynamic = spec.rotateBearer !== undefined || spec.freshIdempotencyKey === true;

const LIMITED_BODY = /RATE_LIMIT|TOO_MANY|LIMIT_EXCEEDED/i;
let limitedInBody = 0;
let limitedByStatus = 0;

const requests = spec.requests.map((r) => ({
  method: r.method ?? 'GET',
  path: r.path,
  headers: { ...spec.headers, ...r.headers },
  ...(r.body === undefined ? {} : { body: r.body }),
  ...(r.countLimited
    ? {
        onResponse: (status: number, body: string) => {
          if (status !== 429 && LIMITED_BODY.test(body.slice(0, 300))) limitedInBody++;
        },
      }
    : {}),
  ...(dynamic
    ? {
        setupRequest: (request: autocannon.Request) => {
          const headers: Record<string, string | string[] | undefined> = { ...request.headers };
          if (spec.rotateBearer) {
            headers.authorization = `Bearer ${spec.rotateBearer[next++ % spec.rotateBearer.length]}`;
          }
          if (spec.freshIdempotencyKey) headers['idempotency-key'] = randomUUID();
          return { ...request, headers };
        },
      }
    : {}),
}));

const latencies: number[] = [];
let bytes = 0;
let answers = 0;
const result = await new Promise<autocannon.Result>((resolve, reject) => {
  const instance = autocannon(
    {
      url: spec.origin,
      connections: spec.connections,
      duration: spec.durationSeconds,
      timeout: 30,
      requests,
      ...(spec.overallRate ? { overallRate: spec.overallRate } : {}),
    },
    (error, done) => (error ? reject(error) : resolve(done)),
  );
  instance.on('response', (_client, statusCode, resBytes, responseTime) => {
    answers++;
    bytes += resBytes;
    if (statusCode === 429) limitedByStatus++;
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
  });
});
latencies.sort((a, b) => a - b);
const statusCodes: Record<string, number> = {};
for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stat.count ?? 0;
const summary: LoadResult = {
  requests: answers,
  requestsPerSecond: answers / spec.durationSeconds,
  p50: percentile(latencies, 50),
  p90: percentile(latencies, 90),
  p99: percentile(latencies, 99),
  max: latencies.at(-1) ?? Number.NaN,
  errors: result.errors + result.timeouts,
  non2xx: result.non2xx,
  statusCodes,
  limited: limitedByStatus + limitedInBody,
  bytesPerAnswer: answers === 0 ? 0 : bytes / answers,
};
parentPort?.postMessage(summary);
