import type { AuditActor } from '../audit/audit-actor.ts';
import { DomainError } from '../platform/errors.ts';
import type { AccountsContext } from './accounts-context.ts';
import { type ApiKeySettings, checkSettings } from './api-key-settings.ts';
import type { ApiKeyView } from './api-key-view.ts';
import { changeApiKey } from './change-api-key.ts';

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
  return changeApiKey({
    ctx,
    input: {
      actor: input.actor,
      accountId: input.accountId,
      keyId: input.keyId,
      action: 'api_key.update',
      apply: async (tx, before) => {
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
        return true;
      },
    },
  });
}
