/**
 * Load from the bench process, in a worker thread of its own so the generator does not share an event
 * loop with the receivers and streams of the same process. numpool and the baselines run elsewhere.
 */
import { Worker } from 'node:worker_threads';
import type { LoadResult, LoadSpec } from './load-spec.ts';

export type { LoadRequest, LoadResult, LoadSpec } from './load-spec.ts';

export const DURATION_SECONDS = Number(process.env.BENCH_DURATION ?? 10);

export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./load-worker.ts', import.meta.url), { workerData: spec });
    let result: LoadResult | undefined;
    worker.once('message', (message: LoadResult) => {
      result = message;
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (result) resolve(result);
      else reject(new Error(`load generator exited with ${code} and no result`));
    });
  });
}

export function describeLoad(result: LoadResult): string {
  const codes = Object.entries(result.statusCodes)
    .map(([code, n]) => `${code}×${n}`)
    .join(' ');
  return `${Math.round(result.requestsPerSecond)} req/s, p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms, errors ${result.errors}, ${codes}`;
}
