import type { EventBus } from '../platform/bus.ts';
import type { DbContext } from '../platform/db.ts';
import { type ApiKeyCache, announceApiKeyChange } from './api-key-cache.ts';

/**
 * Every node stops trusting its cached copies of this account's keys once the caller's transaction
 * commits. Call it in the transaction that disables or suspends the account (or changes anything the
 * cached principal carries, such as its role), so the change holds from the next request on every node.
 */
export function forgetAccountKeys({
  ctx,
  input,
}: {
  ctx: DbContext & { bus: EventBus; apiKeyCache?: ApiKeyCache };
  input: { accountId: number };
}): void {
  announceApiKeyChange(ctx, { accountId: input.accountId });
}
