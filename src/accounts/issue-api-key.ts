import { type DbContext, pgConstraint, withTransaction } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import { apiKeyPrefix, generateApiKey, hashApiKey, isApiKeyShape } from './api-key.ts';
import { type ApiKeySettings, checkSettings } from './api-key-settings.ts';
import { API_SCOPES } from './api-scopes.ts';

export interface IssueApiKeyInput extends Omit<ApiKeySettings, 'name'> {
  accountId: number;
  name?: string | undefined;
  /** A key chosen by the operator (the pinned demo key); generated when absent. */
  key?: string | undefined;
  /** The Idempotency-Key of the request that creates it (create-api-key.ts). */
  requestKey?: string | undefined;
}

/**
 * Issues an API key: by default with every scope, from anywhere, without a spend limit (the CLI and the
 * sandbox rely on that). The returned key is the only time it is ever visible.
 */
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
  const settings = checkSettings({ ...input, name: input.name ?? 'default' });
  return withTransaction(ctx, async (tx) => {
    const account = await tx.db.query('SELECT 1 FROM accounts WHERE id = $1', [input.accountId]);
    if (account.rowCount === 0) throw new DomainError('NOT_FOUND', `no account ${input.accountId}`);
    try {
      const inserted = await tx.db.query<{ id: number }>(
        `INSERT INTO api_keys (account_id, key_hash, key_prefix, name, scopes, ip_allowlist, daily_spend_limit, request_key)
         VALUES ($1, $2, $3, $4, $5, $6::cidr[], $7, $8) RETURNING id`,
        [
          input.accountId,
          hashApiKey(key),
          apiKeyPrefix(key),
          settings.name,
          settings.scopes ?? [...API_SCOPES],
          settings.ipAllowlist ?? null,
          settings.dailySpendLimit ?? null,
          input.requestKey ?? null,
        ],
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
