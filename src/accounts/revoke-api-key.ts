import type { AuditActor } from '../audit/audit-actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { withTransaction } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import type { AccountsContext } from './accounts-context.ts';
import { announceApiKeyChange } from './api-key-cache.ts';
import { type ApiKeyView, apiKeyView, auditedKey } from './api-key-view.ts';

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
  return withTransaction(ctx, async (tx) => {
    const now = tx.clock.now();
    const locked = await tx.db.query(
      'SELECT 1 FROM api_keys WHERE id = $1 AND account_id = $2 FOR NO KEY UPDATE',
      [input.keyId, input.accountId],
    );
    if (locked.rowCount === 0) throw new DomainError('NOT_FOUND', `no API key ${input.keyId}`);
    const before = await apiKeyView(tx, { accountId: input.accountId, keyId: input.keyId, now });
    if (before.revokedAt) return before;
    await tx.db.query('UPDATE api_keys SET revoked_at = $2 WHERE id = $1', [input.keyId, now]);
    const after = await apiKeyView(tx, { accountId: input.accountId, keyId: input.keyId, now });
    await recordAudit({
      ctx: tx,
      input: {
        actor: input.actor,
        action: 'api_key.revoke',
        target: { type: 'api_key', id: input.keyId },
        before: auditedKey(before),
        after: auditedKey(after),
      },
    });
    announceApiKeyChange(tx, { keyId: input.keyId });
    return after;
  });
}
