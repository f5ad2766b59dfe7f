/**
 * Failed-login throttling, per account and per client address, in the shared rate-limit counters (Redis
 * when configured, so every node sees the same counts). An attempt is counted before the password is
 * checked, so parallel guesses cannot all slip in under the limit; a successful login clears its account's
 * count and gives its address point back. The account counter is keyed by the email asked for (hashed),
 * whether or not an account has it: an unknown address is throttled exactly like a known one, so throttling
 * tells nobody which emails exist. Anyone can lock an account's logins for one window this way; that is
 * the price of stopping guessing and it ends with the window.
 */
import { createHash } from 'node:crypto';
import type { Config } from '../config.ts';
import { clientBucketOf } from '../platform/client-address.ts';
import { DomainError } from '../platform/errors.ts';
import type { Logger } from '../platform/logger.ts';
import type { RateLimits } from '../platform/rate-limits.ts';

const ACCOUNT_GROUP = 'login-account';
const IP_GROUP = 'login-ip';

export interface LoginThrottleContext {
  config: Pick<Config, 'login'>;
  rateLimits: RateLimits;
  log: Logger;
}

export interface LoginAttempt {
  emailKey: string;
  /** The client's address as counted (clientBucketOf: an IPv6 client by its /64). */
  addressKey: string;
  /** Set when the account or the address has failed too often: seconds until the window ends. */
  retryAfterSeconds: number | undefined;
}

const emailKeyOf = (email: string) => createHash('sha256').update(email).digest('base64url').slice(0, 32);
const windowMs = (ctx: LoginThrottleContext) => ctx.config.login.windowSeconds * 1000;

/** Counts one attempt for this (normalized) email and address, and says whether it must be refused. */
export async function countLoginAttempt(
  ctx: LoginThrottleContext,
  { email, ip }: { email: string; ip: string },
): Promise<LoginAttempt> {
  const emailKey = emailKeyOf(email);
  const addressKey = clientBucketOf(ip);
  // Without its counters, login closes (503) rather than let guesses through unthrottled.
  const [byAccount, byIp] = await Promise.all([
    ctx.rateLimits.spend(ACCOUNT_GROUP, emailKey, 1, windowMs(ctx)),
    ctx.rateLimits.spend(IP_GROUP, addressKey, 1, windowMs(ctx)),
  ]).catch((error: unknown) => {
    ctx.log.error({ err: error }, 'login throttle counters unavailable');
    throw new DomainError('SERVICE_UNAVAILABLE', 'login is unavailable; retry shortly', {
      retry_after_seconds: 5,
    });
  });
  const waits = [
    byAccount.points > ctx.config.login.accountFailures ? byAccount.msBeforeReset : 0,
    byIp.points > ctx.config.login.ipFailures ? byIp.msBeforeReset : 0,
  ];
  const wait = Math.max(...waits);
  return {
    emailKey,
    addressKey,
    retryAfterSeconds: wait > 0 ? Math.max(1, Math.ceil(wait / 1000)) : undefined,
  };
}

/** The attempt succeeded: the account starts afresh, and the address gets its point back. */
export async function clearLoginFailures(ctx: LoginThrottleContext, attempt: LoginAttempt): Promise<void> {
  await bestEffort(ctx, [
    ctx.rateLimits.forget(ACCOUNT_GROUP, attempt.emailKey, windowMs(ctx)),
    ctx.rateLimits.refund(IP_GROUP, attempt.addressKey, 1, windowMs(ctx)),
  ]);
}

/** The attempt was no failure (the right password, asked for its second factor): both points back. */
export async function refundLoginAttempt(ctx: LoginThrottleContext, attempt: LoginAttempt): Promise<void> {
  await bestEffort(ctx, [
    ctx.rateLimits.refund(ACCOUNT_GROUP, attempt.emailKey, 1, windowMs(ctx)),
    ctx.rateLimits.refund(IP_GROUP, attempt.addressKey, 1, windowMs(ctx)),
  ]);
}

// Giving points back can fail without harm (the count is only stricter until the window ends): the
// login, already done, is not failed for it.
async function bestEffort(ctx: LoginThrottleContext, work: Promise<unknown>[]): Promise<void> {
  for (const result of await Promise.allSettled(work))
    if (result.status === 'rejected')
      ctx.log.warn({ err: result.reason }, 'could not give login throttle points back');
}
