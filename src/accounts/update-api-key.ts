import type { AuditActor } from '../audit/audit-actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { withTransaction } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import type { AccountsContext } from './accounts-context.ts';
import { announceApiKeyChange } from './api-key-cache.ts';
import { type ApiKeySettings, checkSettings } from './api-key-settings.ts';
import { type ApiKeyView, apiKeyView, auditedKey } from './api-key-view.ts';

/**
 * Changes a live key's name, scopes, allowlist or limit. Every node forgets its cached copy once this
 * commits, so the new rules hold from the next request on.
 */
export async function updateApiKey({
  ctx,
  input,
}: {
  ctx: AccountsContext;
  input: { actor: AuditActor; accountId: number; keyId: number; settings: ApiKeySettings };
}): Promise<ApiKeyView> {
  const changes = checkSettings(input.settings);
  return withTransaction(ctx, async (tx) => {
    const now = tx.clock.now();
    const locked = await tx.db.query(
      'SELECT 1 FROM api_keys WHERE id = $1 AND account_id = $2 FOR NO KEY UPDATE',
      [input.keyId, input.accountId],
    );
    if (locked.rowCount === 0) throw new DomainError('NOT_FOUND', `no API key ${input.keyId}`);
    const before = await apiKeyView(tx, { accountId: input.accountId, keyId: input.keyId, now });
    if (before.revokedAt) throw new DomainError('CONFLICT', 'a revoked API key cannot be changed');
    await tx.db.query(
      `UPDATE api_keys SET
         name = coalesce($2, name),
         scopes = coalesce($3, scopes),
         ip_allowlist = CASE WHEN $4 THEN $5::cidr[] ELSE ip_allowlist END,
         daily_spend_limit = CASE WHEN $6 THEN $7::bigint ELSE daily_spend_limit END
       WHERE id = $1`,
      [
        input.keyId,
        changes.name ?? null,
        changes.scopes ?? null,
        changes.ipAllowlist !== undefined,
        changes.ipAllowlist ?? null,
        changes.dailySpendLimit !== undefined,
        changes.dailySpendLimit ?? null,
      ],
    );
    const after = await apiKeyView(tx, { accountId: input.accountId, keyId: input.keyId, now });
    await recordAudit({
      ctx: tx,
      input: {
        actor: input.actor,
        action: 'api_key.update',
        target: { type: 'api_key', id: input.keyId },
        before: auditedKey(before),
        after: auditedKey(after),
      },
    });
    announceApiKeyChange(tx, { keyId: input.keyId });
    return after;
  });
}
