/**
 * The PostgreSQL server tests run against: NUMPOOL_TEST_DATABASE_URL when set, else the machine's server on
 * 127.0.0.1:5432 when it answers, else an embedded one in a temporary directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openEmbeddedPostgres } from '../../src/platform/embedded-postgres.ts';
import { createLogger } from '../../src/platform/logger.ts';

const LOCAL_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function openTestServer(): Promise<{ adminUrl: string; kind: string; stop(): Promise<void> }> {
  const configured = process.env.NUMPOOL_TEST_DATABASE_URL;
  if (configured) return { adminUrl: configured, kind: 'configured', stop: async () => {} };
  if (await answers(LOCAL_URL)) return { adminUrl: LOCAL_URL, kind: 'local', stop: async () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'numpool-test-pg-'));
  const embedded = await openEmbeddedPostgres({ dataDir: dir, log: createLogger('warn') });
  return {
    adminUrl: embedded.url,
    kind: 'embedded',
    stop: async () => {
      await embedded.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The same server, another database. */
export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
