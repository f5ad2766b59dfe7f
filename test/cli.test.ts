import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { authenticateApiKey } from '../src/accounts/authenticate-api-key.ts';
import { listAudit } from '../src/audit/list-audit.ts';
import { freePort } from '../src/platform/free-port.ts';
import { PROCESS_TEST_TIMEOUT, runCli, SANDBOX_READY, startServer } from './support/cli-process.ts';
import { cleanupAfterFile, contextOn, createTestDatabase } from './support/test-database.ts';

function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'numpool-cli-'));
  cleanupAfterFile(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const demoOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'demo.json'), 'utf8'));

async function getJson(url: string, key: string) {
  const response = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  return { status: response.status, body: (await response.json()) as { data: unknown[] } };
}

describe('numpool start with bad configuration', { timeout: PROCESS_TEST_TIMEOUT }, () => {
  it('exits non-zero naming every bad variable', async () => {
    const result = await runCli(['start'], {
      PORT: 'abc',
      NUMPOOL_ROLE: 'nope',
      NUMPOOL_DATA_DIR: tempDataDir(),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('invalid configuration');
    expect(result.stderr).toContain('PORT="abc": expected an integer from 0 to 65535');
    expect(result.stderr).toContain('NUMPOOL_ROLE="nope"');
    expect(result.stderr).not.toMatch(/at .*\.ts:\d+/); // a readable message, not a stack trace
  });

  it('exits non-zero when the database cannot be reached', async () => {
    const result = await runCli(['migrate'], {
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      NUMPOOL_DATA_DIR: tempDataDir(),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: /m);
  });
});

describe('numpool start on DATABASE_URL', { timeout: PROCESS_TEST_TIMEOUT }, () => {
  it('serves the sandbox, then shuts down cleanly on SIGTERM', async () => {
    const database = await createTestDatabase({ empty: true });
    const dataDir = tempDataDir();
    const server = await startServer(await freePort(), {
      DATABASE_URL: database.url,
      NUMPOOL_DATA_DIR: dataDir,
    });
    try {
      const demo = demoOf(dataDir);
      await server.waitForOutput(SANDBOX_READY);
      expect(server.output()).toContain(`API key:   ${demo.api_key}`);
      const countries = await getJson(`${server.url}/v2/catalog/countries`, demo.api_key);
      expect(countries.status).toBe(200);
      expect(countries.body.data.length).toBeGreaterThanOrEqual(200);
      const services = await getJson(`${server.url}/v2/catalog/services`, demo.api_key);
      expect(services.body.data.length).toBeGreaterThanOrEqual(700);
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(200);
    } finally {
      expect(await server.stop('SIGTERM'), server.output()).toBe(0);
    }
    expect(server.output()).toContain('shutting down');
  });
});

describe('numpool migrate and admin', { timeout: PROCESS_TEST_TIMEOUT }, () => {
  it('migrates, creates an account, issues a key and credits a balance', async () => {
    const database = await createTestDatabase({ empty: true });
    const env = { DATABASE_URL: database.url, NUMPOOL_DATA_DIR: tempDataDir() };

    const migrated = await runCli(['migrate'], env);
    expect(migrated).toMatchObject({ code: 0, stdout: 'database is up to date\n' });

    const created = await runCli(
      ['admin', 'create-account', '--email', 'Ops@Example.test', '--role', 'admin'],
      env,
    );
    expect(created.code).toBe(0);
    const account = JSON.parse(created.stdout);
    expect(account).toMatchObject({ email: 'ops@example.test', role: 'admin' });
    expect(account.password.length).toBeGreaterThanOrEqual(12);

    const withKey = await runCli(
      [
        'admin',
        'create-account',
        '--email',
        'bot@example.test',
        '--password',
        'long enough secret',
        '--api-key',
      ],
      env,
    );
    expect(withKey.code, withKey.stderr).toBe(0);
    const bot = JSON.parse(withKey.stdout);
    expect(bot).toMatchObject({
      email: 'bot@example.test',
      role: 'customer',
      api_key: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(bot.password).toBeUndefined();
    expect(account.api_key).toBeUndefined();

    const duplicate = await runCli(['admin', 'create-account', '--email', 'ops@example.test'], env);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('already exists');

    const issued = await runCli(['admin', 'issue-key', '--account', 'ops@example.test'], env);
    const { api_key: key } = JSON.parse(issued.stdout);
    expect(key).toMatch(/^[0-9a-f]{32}$/);

    const ctx = await contextOn(database.url);
    expect(await authenticateApiKey({ ctx, input: { key } })).toMatchObject({ accountId: account.id });
    expect(await authenticateApiKey({ ctx, input: { key: bot.api_key } })).toMatchObject({
      accountId: bot.id,
    });
    const audited = await listAudit({ ctx, input: { action: 'account.create' } });
    expect(audited.map((e) => [e.actorKind, e.targetId, e.after])).toEqual([
      ['cli', String(bot.id), { email: 'bot@example.test', role: 'customer' }],
      ['cli', String(account.id), { email: 'ops@example.test', role: 'admin' }],
    ]);

    const credit = [
      'admin',
      'credit',
      '--account',
      String(account.id),
      '--amount',
      '150000',
      '--reference',
      'inv-1',
    ];
    expect(JSON.parse((await runCli(credit, env)).stdout)).toMatchObject({
      replayed: false,
      balance: 150_000,
    });
    expect(JSON.parse((await runCli(credit, env)).stdout)).toMatchObject({
      replayed: true,
      balance: 150_000,
    });
    const balance = await runCli(['admin', 'balance', '--account', 'ops@example.test'], env);
    expect(JSON.parse(balance.stdout)).toEqual({ available: 150_000, posted: 150_000, pending: 0 });

    const badAmount = await runCli(
      ['admin', 'credit', '--account', String(account.id), '--amount', '-5'],
      env,
    );
    expect(badAmount.code).not.toBe(0);
    const nobody = await runCli(['admin', 'balance', '--account', 'nobody@example.test'], env);
    expect(nobody).toMatchObject({ code: 1 });
    expect(nobody.stderr).toContain('no account nobody@example.test');
  });
});

describe('numpool admin topup-bonus-set', { timeout: PROCESS_TEST_TIMEOUT }, () => {
  it('sets the bonus tiers as min_idr:percent, audited; none switches bonuses off', async () => {
    const database = await createTestDatabase();
    const env = { DATABASE_URL: database.url, NUMPOOL_DATA_DIR: tempDataDir() };
    const set = await runCli(['admin', 'topup-bonus-set', '2000000:10', '500000:4'], env);
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toEqual({
      tiers: [
        { min_idr: 500_000, percent: '4.00' },
        { min_idr: 2_000_000, percent: '10.00' },
      ],
    });
    const bad = await runCli(['admin', 'topup-bonus-set', '500000=4'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('expected min_idr:percent');
    const off = await runCli(['admin', 'topup-bonus-set'], env);
    expect(JSON.parse(off.stdout)).toEqual({ tiers: [] });
    const ctx = await contextOn(database.url);
    const audited = await listAudit({ ctx, input: { action: 'topup_bonus.set' } });
    expect(audited.map((e) => [e.actorKind, (e.after as { tiers: unknown[] }).tiers.length])).toEqual([
      ['cli', 0],
      ['cli', 2],
    ]);
  });
});

describe('numpool memory settings', { timeout: PROCESS_TEST_TIMEOUT }, () => {
  /** Runs `numpool --version` with a preload that reports, as the process ends, how it was started. */
  async function startedWith(nodeOptions: string[], env: Record<string, string> = {}) {
    const preload = join(tempDataDir(), 'report.mjs');
    writeFileSync(
      preload,
      `process.on('exit', () => console.log(JSON.stringify({ execArgv: process.execArgv, ` +
        `mmapThreshold: process.env.MALLOC_MMAP_THRESHOLD_ ?? null })));`,
    );
    const result = await runCli(['--version'], {
      ...env,
      NODE_OPTIONS: [`--import=${preload}`, ...nodeOptions].join(' '),
    });
    expect(result.code, result.stderr).toBe(0);
    const [version, ...reports] = result.stdout.trim().split('\n');
    expect(version).toBe('0.1.0');
    return reports.map((line) => JSON.parse(line) as { execArgv: string[]; mmapThreshold: string | null });
  }

  it('starts with a 16 MB young generation, and leaves its children the environment it was given', async () => {
    const reports = await startedWith([]);
    expect(reports).toEqual([{ execArgv: ['--max-semi-space-size=16'], mmapThreshold: null }]);
  });

  it("keeps the caller's own choices", async () => {
    expect(await startedWith(['--max-semi-space-size=8'])).toEqual([{ execArgv: [], mmapThreshold: null }]);
    const reports = await startedWith([], { MALLOC_MMAP_THRESHOLD_: '65536' });
    expect(reports).toEqual([{ execArgv: ['--max-semi-space-size=16'], mmapThreshold: '65536' }]);
  });
});
