/** A group of scenarios that share their set-up, and the section of BENCHMARKS.md they fill. */
import type { BenchEnv } from './environment.ts';
import type { Entry, Section } from './report.ts';

export interface ScenarioGroup {
  section: Section;
  /** Runs against the numpool processes of the run (false: starts what it needs itself). */
  needsNumpool: boolean;
  /** Rate limits the api process must run with. */
  limits?: 'unlimited' | 'default';
  /** Measures the wanted names of this group (a subset of section.names). */
  run(env: BenchEnv | undefined, wanted: ReadonlySet<string>): Promise<Entry[]>;
}

export const fmtMs = (ms: number) =>
  Number.isFinite(ms) ? `${ms < 10 ? ms.toFixed(2) : ms.toFixed(1)} ms` : '–';
export const fmtRate = (perSecond: number) => `${Math.round(perSecond).toLocaleString('en-US')} req/s`;
export const fmtBytes = (bytes: number) =>
  bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(2)} MiB`
    : bytes >= 1024
      ? `${(bytes / 1024).toFixed(1)} KiB`
      : `${Math.round(bytes)} B`;
