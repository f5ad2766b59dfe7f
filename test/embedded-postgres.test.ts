/**
 * The zero-configuration path: no DATABASE_URL, so numpool runs its own PostgreSQL in the data dir.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../src/platform/free-port.ts';
import { PROCESS_TEST_TIMEOUT, runCli, startServer } from './support/cli-process.ts';
import { cleanupAfterFile } from './support/test-database.ts';
import { waitUntil } from './support/wait.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'numpool-embedded-'));
cleanupAfterFile(() => rmSync(dataDir, { recursive: true, force: true }));

function postgresPid(): number | undefined {
  const file = join(dataDir, 'pg', 'postmaster.pid');
  return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : undefined;
}

/** Running, and not a zombie waiting for its (re)parent to reap it. */
function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * The server gets its stop signal before numpool exits; it needs a moment to finish (a shutdown
 * checkpoint, longer on a loaded machine).
 */
async function goneSoon(pid: number | undefined): Promise<boolean> {
  return waitUntil(async () => (alive(pid) ? undefined : true), 60_000, 50).catch(() => false);
}

async function countries(url: string, key: string) {
  const response = await fetch(`${url}/v2/catalog/countries`, {
    headers: { authorization: `Bearer ${key}` },
  });
  return { status: response.status, count: ((await response.json()) as { data?: unknown[] }).data?.length };
}

describe('numpool with embedded PostgreSQL', { timeout: PROCESS_TEST_TIMEOUT }, () => {
  const pinned = 'feedfacefeedfacefeedfacefeedface';
  let firstKey = '';

  it('starts with no environment, serves the sandbox, and stops its database on SIGINT', async () => {
    const server = await startServer(await freePort(), { NUMPOOL_DATA_DIR: dataDir });
    const pid = postgresPid();
    try {
      expect(alive(pid)).toBe(true);
      firstKey = JSON.parse(readFileSync(join(dataDir, 'demo.json'), 'utf8')).api_key;
      expect(await countries(server.url, firstKey)).toEqual({ status: 200, count: expect.any(Number) });
      expect((await countries(server.url, firstKey)).count).toBeGreaterThanOrEqual(200);
    } finally {
      expect(await server.stop('SIGINT'), server.output()).toBe(0);
    }
    expect(await goneSoon(pid)).toBe(true);
  });

  it('keeps its data across a restart, and a pinned demo key works', async () => {
    const server = await startServer(await freePort(), {
      NUMPOOL_DATA_DIR: dataDir,
      NUMPOOL_DEMO_API_KEY: pinned,
    });
    try {
      expect((await countries(server.url, firstKey)).status).toBe(200);
      expect((await countries(server.url, pinned)).status).toBe(200);
      // A one-shot command attaches to the running server's database instead of starting another.
      const balance = await runCli(['admin', 'balance', '--account', 'demo@numpool.local'], {
        NUMPOOL_DATA_DIR: dataDir,
      });
      expect(balance.code).toBe(0);
      expect(JSON.parse(balance.stdout)).toMatchObject({ available: 1_000_000 });
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      expect(await server.stop('SIGTERM'), server.output()).toBe(0);
    }
  });

  it('adopts a database left running by a killed process', async () => {
    const killed = await startServer(await freePort(), { NUMPOOL_DATA_DIR: dataDir });
    const orphan = postgresPid();
    await killed.stop('SIGKILL');
    expect(alive(orphan)).toBe(true);

    const server = await startServer(await freePort(), { NUMPOOL_DATA_DIR: dataDir });
    try {
      expect((await countries(server.url, pinned)).status).toBe(200);
    } finally {
      expect(await server.stop('SIGTERM'), server.output()).toBe(0);
    }
    expect(await goneSoon(orphan)).toBe(true);
  });
});
