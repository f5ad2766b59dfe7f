import type { Clock } from '../../platform/clock.ts';
import type { DbContext } from '../../platform/db.ts';
import {
  EMAIL_TOKEN_TTL_MS,
  type EmailTokenPurpose,
  generateEmailToken,
  hashEmailToken,
} from './email-token.ts';

/**
 * Stores a new link token for the account and returns it (the only time it is visible). A new reset
 * token supersedes the account's open ones, so only the latest reset mail works; verification links stay
 * valid side by side until one of them is used.
 */
export async function issueEmailToken({
  ctx,
  input,
}: {
  ctx: DbContext & { clock: Clock; secret: string };
  input: { accountId: number; purpose: EmailTokenPurpose; passwordHash?: string | undefined };
}): Promise<string> {
  const now = ctx.clock.now();
  if (input.purpose === 'reset')
    await ctx.db.query(
      `UPDATE email_tokens SET used_at = $3
       WHERE account_id = $1 AND purpose = $2 AND used_at IS NULL`,
      [input.accountId, input.purpose, now],
    );
  const token = generateEmailToken();
  await ctx.db.query(
    `INSERT INTO email_tokens (account_id, purpose, token_hash, created_at, expires_at, password_hash)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      input.accountId,
      input.purpose,
      hashEmailToken(ctx.secret, token),
      now,
      new Date(now.getTime() + EMAIL_TOKEN_TTL_MS[input.purpose]),
      input.passwordHash ?? null,
    ],
  );
  return token;
}
