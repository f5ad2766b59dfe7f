import type { DbContext } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import { hashPassword } from './password.ts';

export async function setPassword({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { accountId: number; password: string };
}): Promise<void> {
  if (input.password.length < 8)
    throw new DomainError('VALIDATION_ERROR', 'password must have at least 8 characters');
  const passwordHash = await hashPassword(input.password);
  const result = await ctx.db.query('UPDATE accounts SET password_hash = $2 WHERE id = $1', [
    input.accountId,
    passwordHash,
  ]);
  if (result.rowCount === 0) throw new DomainError('NOT_FOUND', `no account ${input.accountId}`);
}
