import { type DbContext, pgConstraint, withTransaction } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import { apiKeyPrefix, generateApiKey, hashApiKey, isApiKeyShape } from './api-key.ts';

export interface IssueApiKeyInput {
  accountId: number;
  name?: string | undefined;
  /** A key chosen by the operator (the pinned demo key); generated when absent. */
  key?: string | undefined;
}

/** Issues an API key. The returned key is the only time it is ever visible. */
export async function issueApiKey({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: IssueApiKeyInput;
}): Promise<{ id: number; key: string }> {
  const key = input.key ?? generateApiKey();
  if (!isApiKeyShape(key))
    throw new DomainError('VALIDATION_ERROR', 'an API key is 32 lowercase hex characters');
  return withTransaction(ctx, async (tx) => {
    const account = await tx.db.query('SELECT 1 FROM accounts WHERE id = $1', [input.accountId]);
    if (account.rowCount === 0) throw new DomainError('NOT_FOUND', `no account ${input.accountId}`);
    try {
      const inserted = await tx.db.query<{ id: number }>(
        `INSERT INTO api_keys (account_id, key_hash, key_prefix, name) VALUES ($1, $2, $3, $4) RETURNING id`,
        [input.accountId, hashApiKey(key), apiKeyPrefix(key), input.name ?? 'default'],
      );
      return { id: inserted.rows[0]!.id, key };
    } catch (error) {
      if (pgConstraint(error) === 'api_keys_key_hash_key') {
        throw new DomainError('CONFLICT', 'that API key is already in use');
      }
      throw error;
    }
  });
}
