import type { AuditActor } from '../audit/audit-actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { KEY_PATTERN } from '../idempotency/idempotency-key.ts';
import { withTransaction } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import type { AccountsContext } from './accounts-context.ts';
import type { ApiKeySettings } from './api-key-settings.ts';
import { type ApiKeyView, apiKeyView, auditedKey } from './api-key-view.ts';
import { issueApiKey } from './issue-api-key.ts';

/** Live keys one account may hold at once. */
export const MAX_LIVE_KEYS = 20;

/**
 * A customer creates a named key. The key is in the answer, and nowhere else ever again — so a request
 * repeated with the same `requestKey` (Idempotency-Key) cannot be answered with it: it is a CONFLICT
 * naming the key the first request made (details.api_key_id), and no second key is made.
 */
export async function createApiKey({
  ctx,
  input,
}: {
  ctx: AccountsContext;
  input: {
    actor: AuditActor;
    accountId: number;
    settings: ApiKeySettings & { name: string };
    requestKey?: string | undefined;
  };
}): Promise<{ key: string; view: ApiKeyView }> {
  const { requestKey } = input;
  if (requestKey !== undefined && !KEY_PATTERN.test(requestKey))
    throw new DomainError('VALIDATION_ERROR', 'idempotency-key must be 1-128 characters of A-Z a-z 0-9 _ -');
  return withTransaction(ctx, async (tx) => {
    // The account's row, locked, so two creates at once cannot both pass the cap; what is counted below
    // is read after the lock (a count in the locking statement reads the snapshot from before the wait).
    const account = await tx.db.query('SELECT 1 FROM accounts WHERE id = $1 FOR NO KEY UPDATE', [
      input.accountId,
    ]);
    if (account.rowCount === 0) throw new DomainError('NOT_FOUND', `no account ${input.accountId}`);
    // Under the account's lock: a repeat sent at the same moment as the first finds its key here.
    if (requestKey !== undefined) {
      const made = await tx.db.query<{ id: number }>(
        'SELECT id FROM api_keys WHERE account_id = $1 AND request_key = $2',
        [input.accountId, requestKey],
      );
      if (made.rows[0])
        throw new DomainError(
          'CONFLICT',
          'this Idempotency-Key already created an API key; its secret was shown once, in that answer',
          { api_key_id: made.rows[0].id },
        );
    }
    const keys = await tx.db.query<{ live: number }>(
      'SELECT count(*)::int AS live FROM api_keys WHERE account_id = $1 AND revoked_at IS NULL',
      [input.accountId],
    );
    if (keys.rows[0]!.live >= MAX_LIVE_KEYS) {
      throw new DomainError('VALIDATION_ERROR', `an account holds at most ${MAX_LIVE_KEYS} live API keys`, {
        limit: MAX_LIVE_KEYS,
      });
    }
    const issued = await issueApiKey({
      ctx: tx,
      input: { accountId: input.accountId, ...input.settings, requestKey },
    });
    const view = await apiKeyView(tx, { accountId: input.accountId, keyId: issued.id, now: tx.clock.now() });
    await recordAudit({
      ctx: tx,
      input: {
        actor: input.actor,
        action: 'api_key.create',
        target: { type: 'api_key', id: issued.id },
        after: auditedKey(view),
      },
    });
    return { key: issued.key, view };
  });
}
