/**
 * The write baseline: pgbench's simple-update transaction (`-N`) on the same PostgreSQL, in a scratch
 * database of its own, with the same client count — what the server sustains for small write
 * transactions on this machine.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export async function pgbenchTps(adminUrl: string, clients: number, seconds: number): Promise<number> {
  const url = new URL(adminUrl);
  const name = `numpool_pgbench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client(adminUrl);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const args = ['-h', url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username)];
  const env = { ...process.env, PGPASSWORD: decodeURIComponent(url.password) };
  try {
    await run('pgbench', ['-i', '-q', ...args, name], { env });
    const { stdout } = await run(
      'pgbench',
      ['-N', '-c', String(clients), '-j', String(Math.min(2, clients)), '-T', String(seconds), ...args, name],
      { env },
    );
    const tps =
      stdout.match(/tps = ([\d.]+) \(without initial connection time\)/) ?? stdout.match(/tps = ([\d.]+)/);
    if (!tps) throw new Error(`no tps in pgbench output:\n${stdout}`);
    return Number(tps[1]);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}
