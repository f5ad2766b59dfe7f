import type { AuditActor } from '../audit/audit-actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { withTransaction } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import type { AccountsContext } from './accounts-context.ts';
import { announceApiKeyChange } from './api-key-cache.ts';
import { type ApiKeyView, apiKeyView, auditedKey } from './api-key-view.ts';

/**
 * The frame of every change to one of an account's keys: lock the key (another account's is NOT_FOUND),
 * apply the change, audit it with the key before and after, and have every node forget its cached copy
 * once it commits. `apply` answers false when there is nothing to change (the key is returned as it is).
 */
export async function changeApiKey({
  ctx,
  input,
}: {
  ctx: AccountsContext;
  input: {
    actor: AuditActor;
    accountId: number;
    keyId: number;
    action: string;
    apply: (tx: AccountsContext, before: ApiKeyView, now: Date) => Promise<boolean>;
  };
}): Promise<ApiKeyView> {
  return withTransaction(ctx, async (tx) => {
    const now = tx.clock.now();
    const locked = await tx.db.query(
      'SELECT 1 FROM api_keys WHERE id = $1 AND account_id = $2 FOR NO KEY UPDATE',
      [input.keyId, input.accountId],
    );
    if (locked.rowCount === 0) throw new DomainError('NOT_FOUND', `no API key ${input.keyId}`);
    const before = await apiKeyView(tx, { accountId: input.accountId, keyId: input.keyId, now });
    if (!(await input.apply(tx, before, now))) return before;
    const after = await apiKeyView(tx, { accountId: input.accountId, keyId: input.keyId, now });
    await recordAudit({
      ctx: tx,
      input: {
        actor: input.actor,
        action: input.action,
        target: { type: 'api_key', id: input.keyId },
        before: auditedKey(before),
        after: auditedKey(after),
      },
    });
    announceApiKeyChange(tx, { keyId: input.keyId });
    return after;
  });
}
