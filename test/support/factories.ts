/** Small factories so each test builds its own accounts and never shares state with another. */
import { randomBytes } from 'node:crypto';
import type { AccountRole } from '../../src/accounts/account.ts';
import { createAccount } from '../../src/accounts/create-account.ts';
import { issueApiKey } from '../../src/accounts/issue-api-key.ts';
import { deposit } from '../../src/ledger/deposit.ts';
import type { DbContext } from '../../src/platform/db.ts';

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}@example.test`;
}

export async function createCustomer(
  ctx: DbContext,
  options: { balance?: number; role?: AccountRole; email?: string } = {},
) {
  const { account } = await createAccount({
    ctx,
    input: {
      email: options.email ?? uniqueEmail(),
      role: options.role ?? 'customer',
      password: 'correct horse battery',
    },
  });
  const { key, id: apiKeyId } = await issueApiKey({ ctx, input: { accountId: account.id } });
  if (options.balance) await deposit({ ctx, input: { accountId: account.id, amount: options.balance } });
  return { account, apiKey: key, apiKeyId };
}
