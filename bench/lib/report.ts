/**
 * Results: bench/results/latest.json (one entry per scenario, merged by name, so running a subset
 * updates only its entries) and BENCHMARKS.md, rendered from that file: its header is kept, then one
 * section per scenario group with what was measured and a table of figure, baseline and ratio.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

interface EntryCore {
  name: string;
  value: number;
  unit: string;
  baseline: number | null;
  /** value / baseline. */
  ratio: number | null;
  p50?: number | undefined;
  p99?: number | undefined;
  /** How the table shows it. */
  label: string;
  figure: string;
  baseline_figure: string;
  detail: string;
  run_at: string;
}

/** The core fields, then whatever else the scenario measured. */
export type Entry = EntryCore & Record<string, unknown>;

export interface Section {
  id: string;
  title: string;
  /** What was measured and how (markdown). */
  prose: string;
  names: readonly string[];
}

const RESULTS = fileURLToPath(new URL('../results/latest.json', import.meta.url));
const MARKDOWN = fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url));
const HEADER =
  '# Benchmarks\n\nWritten by `npm run bench`; every figure stands beside a bare node:http baseline from the same run.\n';

export function entry(
  fields: Omit<EntryCore, 'ratio' | 'run_at'> & { ratio?: number | null } & Record<string, unknown>,
): Entry {
  const ratio =
    fields.ratio !== undefined
      ? fields.ratio
      : fields.baseline
        ? Number((fields.value / fields.baseline).toFixed(3))
        : null;
  // Sub-millisecond detail is noise at this resolution: two decimals at most.
  const rounded = Object.fromEntries(
    Object.entries(fields).map(([key, value]) => [
      key,
      typeof value === 'number' && !Number.isInteger(value) ? Number(value.toFixed(2)) : value,
    ]),
  ) as typeof fields;
  return { ...rounded, ratio, run_at: new Date().toISOString() };
}

export function readResults(): Entry[] {
  if (!existsSync(RESULTS)) return [];
  return JSON.parse(readFileSync(RESULTS, 'utf8')) as Entry[];
}

/** Replaces the entries of the same names, keeps the rest, orders them as the sections list them. */
export function mergeResults(fresh: Entry[], order: readonly string[]): Entry[] {
  const byName = new Map(readResults().map((e) => [e.name, e]));
  for (const e of fresh) byName.set(e.name, e);
  const rank = (name: string) => {
    const i = order.indexOf(name);
    return i < 0 ? order.length : i;
  };
  const merged = [...byName.values()].sort((a, b) => rank(a.name) - rank(b.name));
  mkdirSync(fileURLToPath(new URL('../results/', import.meta.url)), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(merged, null, 2)}\n`);
  return merged;
}

const cell = (text: string) => text.replaceAll('|', '\\|');

function renderSection(section: Section, entries: Entry[]): string {
  const rows = section.names.flatMap((name) => {
    const e = entries.find((x) => x.name === name);
    if (!e) return [];
    const ratio = e.ratio === null ? '–' : `${e.ratio}×`;
    return [
      `| \`${e.name}\` ${cell(e.label)} | ${cell(e.figure)} | ${cell(e.baseline_figure)} | ${ratio} | ${cell(e.detail)} |`,
    ];
  });
  if (rows.length === 0) return '';
  const dates = [
    ...new Set(section.names.flatMap((n) => entries.find((e) => e.name === n)?.run_at.slice(0, 10) ?? [])),
  ];
  return [
    `<!-- bench:${section.id} -->`,
    `## ${section.title}`,
    '',
    section.prose.trim(),
    '',
    `Run ${dates.join(', ')}.`,
    '',
    '| scenario | figure | baseline | ratio | detail |',
    '|---|---|---|---|---|',
    ...rows,
    `<!-- /bench:${section.id} -->`,
  ].join('\n');
}

export function machineLine(): string {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${process.platform}/${process.arch}, ${availableParallelism()} cores (${model}), Node ${process.version}`;
}

/** BENCHMARKS.md: the file's header (everything before the first section), then every section. */
export function writeMarkdown(sections: readonly Section[], entries: Entry[], preamble: string): void {
  const current = existsSync(MARKDOWN) ? readFileSync(MARKDOWN, 'utf8') : HEADER;
  const cut = current.indexOf('<!-- bench:');
  const header = (cut < 0 ? current : current.slice(0, cut)).trimEnd();
  const setup = `<!-- bench:setup -->\n${preamble.trim()}\n<!-- /bench:setup -->`;
  const body = sections.map((s) => renderSection(s, entries)).filter((s) => s !== '');
  writeFileSync(MARKDOWN, `${[header, setup, ...body].join('\n\n')}\n`);
}
