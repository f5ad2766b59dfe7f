import type { Clock } from '../platform/clock.ts';
import type { DbContext } from '../platform/db.ts';
import { type ApiKeyView, apiKeyViews } from './api-key-view.ts';

/** The account's keys, revoked ones included (after the live ones), with what each spent today. */
export async function listApiKeys({
  ctx,
  input,
}: {
  ctx: DbContext & { clock: Clock };
  input: { accountId: number };
}): Promise<ApiKeyView[]> {
  return apiKeyViews(ctx, input.accountId, ctx.clock.now());
}
