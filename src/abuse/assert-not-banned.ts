import { DomainError } from '../platform/errors.ts';
import { banInForce, retryAfterSeconds } from './abuse-ban.ts';
import type { AbuseContext } from './abuse-context.ts';

/**
 * Refuses an order create while the account is banned: TEMP_BANNED_ABUSE_GUARD with the contract's
 * details `{until, tier, retry_after_seconds}`. Costs one probe of a partial index that is empty for
 * almost every account, and nothing when the guard is off.
 */
export async function assertNotBanned({
  ctx,
  input,
}: {
  ctx: AbuseContext;
  input: { accountId: number };
}): Promise<void> {
  if (!ctx.config.abuseGuard.enabled) return;
  const now = ctx.clock.now();
  const ban = await banInForce(ctx.db, input.accountId, now);
  if (!ban) return;
  throw new DomainError(
    'TEMP_BANNED_ABUSE_GUARD',
    `too many recent orders ended without an SMS; creating orders is blocked until ${ban.until.toISOString()}`,
    {
      until: ban.until.toISOString(),
      tier: ban.tier,
      retry_after_seconds: retryAfterSeconds(ban.until, now),
    },
  );
}
