/**
 * Child processes of a bench run: numpool's roles, the simulator, the baselines. Every child is tracked
 * and stopped when the run ends — normally, on an error or on Ctrl-C — so a run leaves nothing behind.
 * Children run in their own process group, so stopping one also stops what it started (npm → node →
 * embedded PostgreSQL).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const NUMPOOL_BIN = fileURLToPath(new URL('../../bin/numpool.js', import.meta.url));

const OWN_VARIABLES = /^(NUMPOOL_|DATABASE_URL$|REDIS_URL$|PORT$|HOST$|LOG_LEVEL$)/;

export interface Child {
  name: string;
  pid: number;
  process: ChildProcess;
  output(): string;
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
  stop(timeoutMs?: number): Promise<void>;
}

const running = new Set<Child>();

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Spawns a command with the parent's environment minus numpool's own variables, plus env. */
export function startChild(
  name: string,
  command: string,
  args: string[],
  env: Record<string, string>,
  options: { cwd?: string } = {},
): Child {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !OWN_VARIABLES.test(key)));
  const child = spawn(command, args, {
    cwd: options.cwd ?? REPO,
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  const pid = child.pid;
  let output = '';
  const waiters = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-200_000);
    for (const wake of waiters) wake();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => {
    gone = true;
    for (const wake of waiters) wake();
  });

  const handle: Child = {
    name,
    pid,
    process: child,
    output: () => output,
    waitForOutput: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${name}: no ${pattern} within ${timeoutMs} ms; output:\n${output.slice(-3000)}`));
        }, timeoutMs);
        const check = () => {
          const match = output.match(pattern);
          if (match) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(match);
          } else if (gone) {
            clearTimeout(timer);
            waiters.delete(check);
            reject(new Error(`${name} exited before ${pattern}; output:\n${output.slice(-3000)}`));
          }
        };
        waiters.add(check);
        check();
      }),
    exited,
    stop: async (timeoutMs = 30_000) => {
      if (!gone) signalGroup(pid, 'SIGTERM');
      const deadline = Date.now() + timeoutMs;
      while ((!gone || groupAlive(pid)) && Date.now() < deadline) await sleep(50);
      if (groupAlive(pid)) signalGroup(pid, 'SIGKILL');
      await exited;
      running.delete(handle);
    },
  };
  running.add(handle);
  return handle;
}

/** Children named in BENCH_CPU_PROF (comma-separated, e.g. api,worker) write a V8 CPU profile on exit. */
const PROFILED = new Set((process.env.BENCH_CPU_PROF ?? '').split(',').filter(Boolean));
export const PROFILE_DIR = new URL('../results/profiles/', import.meta.url).pathname;

/** A node script (TypeScript runs directly on Node 24) as a child. */
export function startNode(name: string, args: string[], env: Record<string, string> = {}): Child {
  const profile = PROFILED.has(name) ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}${name}`] : [];
  return startChild(name, process.execPath, [...profile, ...args], env);
}

/** SIGKILL to every child group still running: the last resort on exit. */
export function killAllNow(): void {
  for (const child of running) signalGroup(child.pid, 'SIGKILL');
}

/** Stops every child gracefully, in reverse start order. */
export async function stopAll(): Promise<void> {
  for (const child of [...running].reverse()) await child.stop(15_000);
}

let cleanupInstalled = false;

/**
 * On Ctrl-C or SIGTERM: run the shutdown hook (stops numpool, drops the scratch database), stop any
 * child left, then exit. On any exit, children still running are killed.
 */
export function installCleanup(onShutdown: () => Promise<void>): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping child processes`);
      const bounded = Promise.race([onShutdown().catch(() => undefined), sleep(30_000)]);
      void bounded.then(stopAll).finally(() => process.exit(130));
    });
  }
  process.on('exit', killAllNow);
}

/** Resident set size of a process, and its peak, in MiB (from /proc/<pid>/status). */
export function memoryOf(pid: number): { rssMiB: number; peakMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN);
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until fn resolves true (or throws after timeoutMs). */
export async function waitFor(
  what: string,
  fn: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await fn().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** GET url until it answers 200. */
export function waitForHttp(url: string, timeoutMs: number, intervalMs = 50): Promise<void> {
  const answers = async () => {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.status === 200;
  };
  return waitFor(url, answers, timeoutMs, intervalMs);
}
