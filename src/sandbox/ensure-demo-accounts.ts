/**
 * Sandbox mode: a funded demo customer and an admin, created on first start and kept across restarts.
 * Their credentials live in $NUMPOOL_DATA_DIR/demo.json (mode 0600), the only place a password or key is
 * kept in clear, and only for these two sandbox accounts.
 *
 * On a restart the accounts are reused; a password or key that no longer matches (demo.json removed, or a
 * new NUMPOOL_DEMO_API_KEY) is replaced, so demo.json always tells the truth.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AccountRole } from '../accounts/account.ts';
import { apiKeyOwner } from '../accounts/api-key-owner.ts';
import { checkPassword } from '../accounts/check-password.ts';
import { createAccount } from '../accounts/create-account.ts';
import { findAccount } from '../accounts/find-account.ts';
import { issueApiKey } from '../accounts/issue-api-key.ts';
import { generatePassword } from '../accounts/password.ts';
import { setPassword } from '../accounts/set-password.ts';
import { deposit } from '../ledger/deposit.ts';
import { type DbContext, withTransaction } from '../platform/db.ts';
import { DomainError, isDomainError } from '../platform/errors.ts';

export const DEMO_EMAIL = 'demo@numpool.local';
export const DEMO_ADMIN_EMAIL = 'admin@numpool.local';
export const DEMO_FUNDING_IDR = 1_000_000;
const DEMO_LOCK = 727_003; // advisory lock id: one process bootstraps the sandbox at a time

export interface DemoCredentials {
  api_key: string;
  email: string;
  password: string;
  admin_email: string;
  admin_password: string;
}

export function demoFilePath(dataDir: string): string {
  return join(dataDir, 'demo.json');
}

function readDemoFile(path: string): Partial<DemoCredentials> {
  if (!existsSync(path)) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Partial<DemoCredentials>;
  } catch {
    return {};
  }
}

async function ensureAccount(
  ctx: DbContext,
  email: string,
  role: AccountRole,
  knownPassword: string | undefined,
): Promise<{ accountId: number; password: string; created: boolean }> {
  const existing = await findAccount({ ctx, input: { ref: email } }).catch((error: unknown) => {
    if (isDomainError(error) && error.code === 'NOT_FOUND') return undefined;
    throw error;
  });
  if (!existing) {
    const password = knownPassword ?? generatePassword();
    const { account } = await createAccount({ ctx, input: { email, role, password } });
    return { accountId: account.id, password, created: true };
  }
  if (
    knownPassword &&
    (await checkPassword({ ctx, input: { accountId: existing.id, password: knownPassword } }))
  ) {
    return { accountId: existing.id, password: knownPassword, created: false };
  }
  const password = generatePassword();
  await setPassword({ ctx, input: { accountId: existing.id, password } });
  return { accountId: existing.id, password, created: false };
}

async function ensureApiKey(ctx: DbContext, accountId: number, wanted: string | undefined, pinned: boolean) {
  if (wanted) {
    const owner = await apiKeyOwner({ ctx, input: { key: wanted } });
    if (owner?.accountId === accountId && !owner.revoked) return wanted;
    if (owner && pinned) {
      throw new DomainError(
        'CONFLICT',
        'NUMPOOL_DEMO_API_KEY is already used by another account or was revoked',
      );
    }
    if (!owner) return (await issueApiKey({ ctx, input: { accountId, key: wanted, name: 'demo' } })).key;
  }
  return (await issueApiKey({ ctx, input: { accountId, name: 'demo' } })).key;
}

export async function ensureDemoAccounts({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { dataDir: string; pinnedApiKey?: string | undefined };
}): Promise<{ credentials: DemoCredentials; created: boolean }> {
  const path = demoFilePath(input.dataDir);
  const known = readDemoFile(path);

  const result = await withTransaction(ctx, async (tx) => {
    await tx.db.query('SELECT pg_advisory_xact_lock($1)', [DEMO_LOCK]);
    const customer = await ensureAccount(tx, DEMO_EMAIL, 'customer', known.password);
    if (customer.created) {
      await deposit({
        ctx: tx,
        input: {
          accountId: customer.accountId,
          amount: DEMO_FUNDING_IDR,
          externalId: 'sandbox-initial-funding',
          memo: 'sandbox demo balance',
        },
      });
    }
    const apiKey = await ensureApiKey(
      tx,
      customer.accountId,
      input.pinnedApiKey ?? known.api_key,
      !!input.pinnedApiKey,
    );
    const admin = await ensureAccount(tx, DEMO_ADMIN_EMAIL, 'admin', known.admin_password);
    const credentials: DemoCredentials = {
      api_key: apiKey,
      email: DEMO_EMAIL,
      password: customer.password,
      admin_email: DEMO_ADMIN_EMAIL,
      admin_password: admin.password,
    };
    return { credentials, created: customer.created };
  });

  writeFileSync(path, `${JSON.stringify(result.credentials, null, 2)}\n`, { mode: 0o600 });
  return result;
}
