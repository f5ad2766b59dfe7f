/**
 * Memory: resident set of the api and worker processes with three providers × full catalog synced,
 * after the load scenarios of the run (and the peak so far), beside the node:http baseline process
 * that has been serving the same bytes.
 */
import { memoryOf } from '../lib/processes.ts';
import { entry } from '../lib/report.ts';
import type { ScenarioGroup } from '../lib/scenario.ts';

const mib = (n: number) => `${n.toFixed(0)} MiB`;

export const resources: ScenarioGroup = {
  needsNumpool: true,
  section: {
    id: 'resources',
    title: 'Resources',
    names: ['rss-api', 'rss-worker'],
    prose: `VmRSS (and VmHWM, the peak) from \`/proc/<pid>/status\` of the numpool \`api\` and \`worker\` processes,
read after the read, create and delivery scenarios of the run (the fairness scenario restarts the api
afterwards), with the full catalogs of three simulated providers synced into the pool. The baseline
is the bare node:http process that served the same bytes during the read scenarios.`,
  },
  async run(env, wanted) {
    if (!env) throw new Error('resources need numpool');
    const bare = memoryOf(env.baseline.child.pid);
    const offers = env.syncs.map((s) => `${s.code} ${s.offers}`).join(', ');
    const roles = [
      ['rss-api', 'api process', env.api.pid],
      ['rss-worker', 'worker process', env.worker.pid],
    ] as const;
    return roles
      .filter(([name]) => wanted.has(name))
      .map(([name, label, pid]) => {
        const own = memoryOf(pid);
        console.log(`  ${name}: ${mib(own.rssMiB)} (peak ${mib(own.peakMiB)}); baseline ${mib(bare.rssMiB)}`);
        return entry({
          name,
          label,
          value: Math.round(own.rssMiB),
          unit: 'MiB',
          baseline: Math.round(bare.rssMiB),
          peak_mib: Math.round(own.peakMiB),
          baseline_peak_mib: Math.round(bare.peakMiB),
          offers: Object.fromEntries(env.syncs.map((s) => [s.code, s.offers])),
          sync_ms: Object.fromEntries(env.syncs.map((s) => [s.code, s.durationMs])),
          figure: `${mib(own.rssMiB)} (peak ${mib(own.peakMiB)})`,
          baseline_figure: `node:http ${mib(bare.rssMiB)} (peak ${mib(bare.peakMiB)})`,
          detail: `offers synced: ${offers}`,
        });
      });
  },
};
