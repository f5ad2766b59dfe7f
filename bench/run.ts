/**
 * `npm run bench [names…]`: every scenario (or those named, or whole groups by section id), each beside
 * its baseline from the same run, against numpool started as in production (see lib/environment.ts).
 * Results merge by name into bench/results/latest.json; BENCHMARKS.md is rendered from it.
 */
import { type BenchEnv, openBenchEnv } from './lib/environment.ts';
import { DURATION_SECONDS } from './lib/load.ts';
import { installCleanup, stopAll } from './lib/processes.ts';
import { type Entry, machineLine, mergeResults, writeMarkdown } from './lib/report.ts';
import type { ScenarioGroup } from './lib/scenario.ts';
import { catalogReads } from './scenarios/catalog.ts';
import { coldStart } from './scenarios/cold-start.ts';
import { createRouted } from './scenarios/create-routed.ts';
import { fairness } from './scenarios/fairness.ts';
import { resources } from './scenarios/resources.ts';
import { smsDelivery } from './scenarios/sms-delivery.ts';
import { statusReads } from './scenarios/status-reads.ts';
import { topupCredit } from './scenarios/topup-credit.ts';

/** In run order: resources after the load, fairness (which restarts the api) last, cold start alone. */
const GROUPS: ScenarioGroup[] = [
  statusReads,
  catalogReads,
  createRouted,
  smsDelivery,
  topupCredit,
  resources,
  fairness,
  coldStart,
];
const ALL_NAMES = GROUPS.flatMap((g) => g.section.names);

function wantedNames(args: string[]): Set<string> {
  if (args.length === 0) return new Set(ALL_NAMES);
  const wanted = new Set<string>();
  for (const arg of args) {
    const group = GROUPS.find((g) => g.section.id === arg);
    const names = group ? group.section.names : ALL_NAMES.filter((n) => n === arg || n.startsWith(`${arg}-`));
    if (names.length === 0) {
      console.error(
        `unknown scenario ${arg}; known: ${ALL_NAMES.join(', ')} (or groups ${GROUPS.map((g) => g.section.id).join(', ')})`,
      );
      process.exit(2);
    }
    for (const n of names) wanted.add(n);
  }
  return wanted;
}

function preamble(wallSeconds: number, names: Set<string>): string {
  return `Last run: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machineLine()}; ${names.size === ALL_NAMES.length ? 'every scenario' : [...names].join(', ')} in ${Math.round(wallSeconds)} s.

numpool runs as in production, on loopback: a scratch database on the machine's PostgreSQL (dropped at
the end), Redis database 7 (flushed at the start), the provider simulator (\`numpool sim\`) in its own
process with its three personas registered as providers and their full catalogs synced, then separate
\`numpool api\` and \`numpool worker\` processes (\`NUMPOOL_DEMO=0\`, \`LOG_LEVEL=warn\`, periodic re-sync
pushed past the run). The throughput scenarios set the rate limits so high they never refuse
(\`NUMPOOL_RATE_LIMIT_KEY_MAX\` and \`_IP_MAX\` = 10⁸); the fairness scenario runs the defaults. Load comes
from the bench process (autocannon in a worker thread), ${DURATION_SECONDS} s per measurement after a short
warm-up; the bench process seeds accounts, deposits and keys through numpool's own domain functions.
Baselines are separate processes too. Every process shares the machine's cores with PostgreSQL, Redis
and the load generator, so absolute figures are noisy; compare a figure with its baseline from the same
run. Ratio = figure ÷ baseline (for latencies and memory, lower is better).`;
}

async function main(): Promise<void> {
  let env: BenchEnv | undefined;
  installCleanup(async () => {
    await env?.close();
  });
  const wanted = wantedNames(process.argv.slice(2));
  const started = performance.now();
  const groups = GROUPS.filter((g) => g.section.names.some((n) => wanted.has(n)));
  const sections = GROUPS.map((g) => g.section);
  const fresh: Entry[] = [];
  try {
    for (const group of groups) {
      const groupStart = performance.now();
      console.log(`== ${group.section.id} (${group.section.names.filter((n) => wanted.has(n)).join(', ')})`);
      if (group.needsNumpool) {
        if (!env) {
          console.log('  starting numpool: database, simulator, providers, worker, api');
          env = await openBenchEnv();
        }
        if (group.limits) await env.restartApi(group.limits);
      } else if (env) {
        // Alone on the machine as far as numpool goes.
        const closing = env;
        env = undefined;
        await closing.close();
      }
      const entries = await group.run(env, wanted);
      fresh.push(...entries);
      const merged = mergeResults(entries, ALL_NAMES);
      writeMarkdown(sections, merged, preamble((performance.now() - started) / 1000, wanted));
      console.log(`  (${((performance.now() - groupStart) / 1000).toFixed(1)} s)`);
    }
  } finally {
    const closing = env;
    env = undefined;
    await closing?.close();
    await stopAll();
  }
  const wall = (performance.now() - started) / 1000;
  writeMarkdown(sections, mergeResults([], ALL_NAMES), preamble(wall, wanted));
  console.log(`\n${fresh.length} results in ${wall.toFixed(0)} s:`);
  for (const e of fresh) {
    console.log(`  ${e.name.padEnd(26)} ${e.figure}  |  ${e.baseline_figure}  |  ratio ${e.ratio ?? '–'}`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    void stopAll().finally(() => process.exit(1));
  },
);
