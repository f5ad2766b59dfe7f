import type { DbContext } from '../platform/db.ts';
import { verifyPassword } from './password.ts';

/** True when the password is the account's current one. */
export async function checkPassword({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { accountId: number; password: string };
}): Promise<boolean> {
  const result = await ctx.db.query<{ password_hash: string | null }>(
    'SELECT password_hash FROM accounts WHERE id = $1',
    [input.accountId],
  );
  const stored = result.rows[0]?.password_hash;
  return stored ? verifyPassword(stored, input.password) : false;
}
