import type { DbContext } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import { ACCOUNT_COLUMNS, type Account, normalizeEmail } from './account.ts';

/** Looks an account up by numeric id or by email. */
export async function findAccount({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { ref: string };
}): Promise<Account> {
  const ref = input.ref.trim();
  const byId = /^\d+$/.test(ref) && Number.isSafeInteger(Number(ref));
  const result = await ctx.db.query<Account>(
    `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE ${byId ? 'id = $1' : 'email = $1'}`,
    [byId ? Number(ref) : normalizeEmail(ref)],
  );
  const account = result.rows[0];
  if (!account) throw new DomainError('NOT_FOUND', `no account ${ref}`);
  return account;
}
