/**
 * Runs the real `numpool` command in child processes, the way an operator would. Every wait here is on a
 * condition (healthy, a line in the output, the exit) with a generous deadline: a second copy of the suite
 * on the same two cores makes a cold start take several times longer than on an idle machine.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitUntil } from './wait.ts';

/** For tests that start `numpool` processes: each start is seconds of CPU, many more under load. */
export const PROCESS_TEST_TIMEOUT = 240_000;
/** How long a start may take to become healthy, or an expected line to appear. */
export const STARTUP_TIMEOUT = 120_000;

const BIN = fileURLToPath(new URL('../../bin/numpool.js', import.meta.url));
const OWN_VARIABLES = /^(NUMPOOL_|DATABASE_URL$|REDIS_URL$|PORT$|HOST$|LOG_LEVEL$)/;

/** The parent's environment without numpool's own variables, plus the given ones. */
export function cliEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !OWN_VARIABLES.test(name)));
  // Shedding on event-loop delay is a timing threshold: a machine shared with another run would trip it.
  return { ...base, NUMPOOL_SHED_EVENT_LOOP_DELAY_MS: '0', ...env };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: cliEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface RunningServer {
  child: ChildProcess;
  url: string;
  output(): string;
  /** Resolves once the output contains text (the sandbox banner comes after /healthz answers). */
  waitForOutput(text: string | RegExp, timeoutMs?: number): Promise<void>;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** The last line of the sandbox banner, printed once the whole sandbox is up (after /healthz answers). */
export const SANDBOX_READY = /\n {2}try: +curl [^\n]*\n/;

export async function startServer(
  port: number,
  env: Record<string, string>,
  timeoutMs = STARTUP_TIMEOUT,
): Promise<RunningServer> {
  const child = spawn(process.execPath, [BIN, 'start'], {
    env: cliEnv({ PORT: String(port), NUMPOOL_SIM_PORT: '0', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const running = (what: string) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`numpool exited (${child.exitCode ?? child.signalCode}) before ${what}:\n${output}`);
    }
  };
  try {
    await waitUntil(
      async () => {
        running('it became healthy');
        const healthy = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) }).then(
          (r) => r.ok,
          () => false,
        );
        return healthy || undefined;
      },
      timeoutMs,
      100,
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`numpool did not become healthy within ${timeoutMs} ms: ${error}\n${output}`);
  }
  return {
    child,
    url,
    output: () => output,
    waitForOutput: async (text, waitMs = timeoutMs) => {
      const found = () => (typeof text === 'string' ? output.includes(text) : text.test(output));
      await waitUntil(
        async () => {
          if (found()) return true;
          running(`printing ${text}`);
          return undefined;
        },
        waitMs,
        50,
      ).catch((error) => {
        throw new Error(`numpool did not print ${text} within ${waitMs} ms: ${error}\n${output}`);
      });
    },
    stop: async (signal = 'SIGTERM') => {
      child.kill(signal);
      return exited;
    },
  };
}
