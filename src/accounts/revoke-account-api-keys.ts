import type { EventBus } from '../platform/bus.ts';
import type { Clock } from '../platform/clock.ts';
import type { DbContext } from '../platform/db.ts';
import type { ApiKeyCache } from './api-key-cache.ts';
import { forgetAccountKeys } from './forget-account-keys.ts';

/**
 * Revokes every open API key of an account; once the change commits every node forgets its cached copies,
 * so the keys stop working at once everywhere.
 */
export async function revokeAccountApiKeys({
  ctx,
  input,
}: {
  ctx: DbContext & { clock: Clock; bus: EventBus; apiKeyCache?: ApiKeyCache | undefined };
  input: { accountId: number };
}): Promise<number> {
  const result = await ctx.db.query(
    'UPDATE api_keys SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL',
    [input.accountId, ctx.clock.now()],
  );
  forgetAccountKeys({ ctx, input });
  return result.rowCount ?? 0;
}
