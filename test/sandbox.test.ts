import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { authenticateApiKey } from '../src/accounts/authenticate-api-key.ts';
import { checkPassword } from '../src/accounts/check-password.ts';
import { findAccount } from '../src/accounts/find-account.ts';
import { getBalance } from '../src/ledger/get-balance.ts';
import {
  DEMO_ADMIN_EMAIL,
  DEMO_EMAIL,
  type DemoCredentials,
  ensureDemoAccounts,
} from '../src/sandbox/ensure-demo-accounts.ts';
import { cleanupAfterFile, createTestContext } from './support/test-database.ts';

function freshDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'numpool-demo-'));
  cleanupAfterFile(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const readDemo = (dir: string) => JSON.parse(readFileSync(join(dir, 'demo.json'), 'utf8')) as DemoCredentials;

describe('sandbox demo accounts', () => {
  it('creates a funded customer and an admin on first start, and writes demo.json', async () => {
    const ctx = await createTestContext();
    const dataDir = freshDataDir();
    const { credentials, created } = await ensureDemoAccounts({ ctx, input: { dataDir } });
    expect(created).toBe(true);
    expect(Object.keys(readDemo(dataDir)).sort()).toEqual(
      ['admin_email', 'admin_password', 'api_key', 'email', 'password'].sort(),
    );
    expect(readDemo(dataDir)).toEqual(credentials);
    expect(statSync(join(dataDir, 'demo.json')).mode & 0o077).toBe(0);
    expect(credentials.api_key).toMatch(/^[0-9a-f]{32}$/);

    const customer = await findAccount({ ctx, input: { ref: DEMO_EMAIL } });
    const admin = await findAccount({ ctx, input: { ref: DEMO_ADMIN_EMAIL } });
    expect(customer.role).toBe('customer');
    expect(admin.role).toBe('admin');
    expect(await getBalance({ ctx, input: { accountId: customer.id } })).toMatchObject({
      available: 1_000_000,
    });
    expect(await authenticateApiKey({ ctx, input: { key: credentials.api_key } })).toMatchObject({
      accountId: customer.id,
    });
    expect(
      await checkPassword({ ctx, input: { accountId: customer.id, password: credentials.password } }),
    ).toBe(true);
    expect(
      await checkPassword({ ctx, input: { accountId: admin.id, password: credentials.admin_password } }),
    ).toBe(true);
  });

  it('reuses everything on restart and never funds twice', async () => {
    const ctx = await createTestContext();
    const dataDir = freshDataDir();
    const first = await ensureDemoAccounts({ ctx, input: { dataDir } });
    const second = await ensureDemoAccounts({ ctx, input: { dataDir } });
    expect(second).toEqual({ credentials: first.credentials, created: false });
    const customer = await findAccount({ ctx, input: { ref: DEMO_EMAIL } });
    expect((await getBalance({ ctx, input: { accountId: customer.id } })).available).toBe(1_000_000);
    const keys = await ctx.db.query('SELECT 1 FROM api_keys WHERE account_id = $1', [customer.id]);
    expect(keys.rowCount).toBe(1);
  });

  it('survives concurrent first starts with one customer and one funding', async () => {
    const ctx = await createTestContext();
    const dataDir = freshDataDir();
    const results = await Promise.all([1, 2, 3].map(() => ensureDemoAccounts({ ctx, input: { dataDir } })));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const customer = await findAccount({ ctx, input: { ref: DEMO_EMAIL } });
    expect((await getBalance({ ctx, input: { accountId: customer.id } })).available).toBe(1_000_000);
  });

  it('makes NUMPOOL_DEMO_API_KEY work, on first start and on a later one', async () => {
    const ctx = await createTestContext();
    const dataDir = freshDataDir();
    await ensureDemoAccounts({ ctx, input: { dataDir } });
    const pinned = 'abcdef0123456789abcdef0123456789';
    const { credentials } = await ensureDemoAccounts({ ctx, input: { dataDir, pinnedApiKey: pinned } });
    expect(credentials.api_key).toBe(pinned);
    expect(readDemo(dataDir).api_key).toBe(pinned);
    const customer = await findAccount({ ctx, input: { ref: DEMO_EMAIL } });
    expect(await authenticateApiKey({ ctx, input: { key: pinned } })).toMatchObject({
      accountId: customer.id,
    });
    // Stays pinned across restarts without issuing it again.
    await ensureDemoAccounts({ ctx, input: { dataDir, pinnedApiKey: pinned } });
    const keys = await ctx.db.query('SELECT 1 FROM api_keys WHERE account_id = $1', [customer.id]);
    expect(keys.rowCount).toBe(2);
  });

  it('refuses a pinned key that belongs to someone else', async () => {
    const ctx = await createTestContext();
    const first = await ensureDemoAccounts({ ctx, input: { dataDir: freshDataDir() } });
    await ctx.db.query(`UPDATE accounts SET email = 'moved@example.test' WHERE email = $1`, [DEMO_EMAIL]);
    await expect(
      ensureDemoAccounts({
        ctx,
        input: { dataDir: freshDataDir(), pinnedApiKey: first.credentials.api_key },
      }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('replaces credentials that demo.json no longer knows, so the file always tells the truth', async () => {
    const ctx = await createTestContext();
    const dataDir = freshDataDir();
    const first = await ensureDemoAccounts({ ctx, input: { dataDir } });
    writeFileSync(join(dataDir, 'demo.json'), 'not json');
    const { credentials, created } = await ensureDemoAccounts({ ctx, input: { dataDir } });
    expect(created).toBe(false);
    expect(credentials.api_key).not.toBe(first.credentials.api_key);
    const customer = await findAccount({ ctx, input: { ref: DEMO_EMAIL } });
    expect(
      await checkPassword({ ctx, input: { accountId: customer.id, password: credentials.password } }),
    ).toBe(true);
    expect(await authenticateApiKey({ ctx, input: { key: credentials.api_key } })).toMatchObject({
      accountId: customer.id,
    });
    expect((await getBalance({ ctx, input: { accountId: customer.id } })).available).toBe(1_000_000);
  });
});
