import type { Clock } from '../platform/clock.ts';
import { type DbContext, onCommit } from '../platform/db.ts';
import type { ApiKeyCache } from './authenticate-api-key.ts';

/**
 * Revokes every open API key of an account; the cache of recently seen keys is cleared once the change has
 * committed, so the keys stop working on this node at once (elsewhere within the cache's TTL).
 */
export async function revokeAccountApiKeys({
  ctx,
  input,
}: {
  ctx: DbContext & { clock: Clock; apiKeyCache?: ApiKeyCache | undefined };
  input: { accountId: number };
}): Promise<number> {
  const result = await ctx.db.query(
    'UPDATE api_keys SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL',
    [input.accountId, ctx.clock.now()],
  );
  onCommit(ctx, () => ctx.apiKeyCache?.clear());
  return result.rowCount ?? 0;
}
