import type { AuditActor } from '../audit/audit-actor.ts';
import type { AccountsContext } from './accounts-context.ts';
import type { ApiKeyView } from './api-key-view.ts';
import { changeApiKey } from './change-api-key.ts';

/**
 * Revokes a key for good. This node forgets it as soon as the revocation commits, before the answer
 * leaves; every other node when the bus message reaches it (the cache's TTL bounds a lost message).
 * Revoking a revoked key changes nothing and answers it as it is.
 */
export async function revokeApiKey({
  ctx,
  input,
}: {
  ctx: AccountsContext;
  input: { actor: AuditActor; accountId: number; keyId: number };
}): Promise<ApiKeyView> {
  return changeApiKey({
    ctx,
    input: {
      ...input,
      action: 'api_key.revoke',
      apply: async (tx, before, now) => {
        if (before.revokedAt) return false;
        await tx.db.query('UPDATE api_keys SET revoked_at = $2 WHERE id = $1', [input.keyId, now]);
        return true;
      },
    },
  });
}
