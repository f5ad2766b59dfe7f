import { DomainError } from '../platform/errors.ts';
import type { AccountsContext } from './accounts-context.ts';
import { checkPassword } from './check-password.ts';
import { countLoginAttempt, type LoginAttempt } from './login-throttle.ts';

/**
 * A signed-in account re-enters its password before a sensitive change (new password, turning two-factor
 * off). Wrong guesses count against the same per-account and per-address budget as logins, so a stolen
 * session cannot be used to guess the password either. Wrong → VALIDATION_ERROR (the session stays
 * valid: 401 would read as "signed out"); throttled → RATE_LIMIT_EXCEEDED. The attempt stays counted
 * until the caller's whole change succeeds and refunds it (a wrong second factor after it counts too).
 */
export async function confirmPassword({
  ctx,
  input,
}: {
  ctx: AccountsContext;
  input: { accountId: number; password: string; ip: string; field: string };
}): Promise<LoginAttempt> {
  const found = await ctx.db.query<{ email: string }>('SELECT email FROM accounts WHERE id = $1', [
    input.accountId,
  ]);
  const email = found.rows[0]?.email;
  if (email === undefined) throw new DomainError('NOT_FOUND', 'no such account');
  const attempt = await countLoginAttempt(ctx, { email, ip: input.ip });
  if (attempt.retryAfterSeconds !== undefined)
    throw new DomainError('RATE_LIMIT_EXCEEDED', 'too many wrong passwords; retry later', {
      retry_after_seconds: attempt.retryAfterSeconds,
    });
  if (!(await checkPassword({ ctx, input }))) {
    throw new DomainError('VALIDATION_ERROR', `${input.field} is not the account's password`);
  }
  return attempt;
}
