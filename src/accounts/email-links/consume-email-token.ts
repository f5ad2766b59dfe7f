import type { Clock } from '../../platform/clock.ts';
import type { DbContext } from '../../platform/db.ts';
import { type EmailTokenPurpose, hashEmailToken, isEmailTokenShape } from './email-token.ts';

export interface OpenEmailToken {
  accountId: number;
  email: string;
  /** The password chosen at the sign-up that sent a verification link (null otherwise). */
  passwordHash: string | null;
}

type TokenContext = DbContext & { clock: Clock; secret: string };
type TokenInput = { token: string; purpose: EmailTokenPurpose };

// Unknown, spent, superseded and expired tokens, and those of disabled accounts, all look the same.
const OPEN = `t.token_hash = $1 AND t.purpose = $2 AND t.used_at IS NULL AND t.expires_at > $3
              AND a.id = t.account_id AND a.disabled_at IS NULL`;

/** The account an open token belongs to, without spending it (to check a new password first). */
export async function findEmailToken({
  ctx,
  input,
}: {
  ctx: TokenContext;
  input: TokenInput;
}): Promise<OpenEmailToken | undefined> {
  if (!isEmailTokenShape(input.token)) return undefined;
  const result = await ctx.db.query<OpenEmailToken>(
    `SELECT t.account_id AS "accountId", a.email, t.password_hash AS "passwordHash"
     FROM email_tokens t, accounts a WHERE ${OPEN}`,
    [hashEmailToken(ctx.secret, input.token), input.purpose, ctx.clock.now()],
  );
  return result.rows[0];
}

/**
 * Spends an open token: of two requests presenting it at once, exactly one gets the account, the other
 * undefined (the row lock makes the second re-check used_at).
 */
export async function consumeEmailToken({
  ctx,
  input,
}: {
  ctx: TokenContext;
  input: TokenInput;
}): Promise<OpenEmailToken | undefined> {
  if (!isEmailTokenShape(input.token)) return undefined;
  const result = await ctx.db.query<OpenEmailToken>(
    `UPDATE email_tokens u SET used_at = $3, password_hash = NULL
     FROM (SELECT t.id, t.account_id, a.email, t.password_hash FROM email_tokens t, accounts a
           WHERE ${OPEN} FOR UPDATE OF t) old
     WHERE u.id = old.id AND u.used_at IS NULL
     RETURNING old.account_id AS "accountId", old.email, old.password_hash AS "passwordHash"`,
    [hashEmailToken(ctx.secret, input.token), input.purpose, ctx.clock.now()],
  );
  return result.rows[0];
}

/** Closes the account's other open tokens of a purpose (an address verified once needs no more links). */
export async function closeEmailTokens({
  ctx,
  input,
}: {
  ctx: DbContext & { clock: Clock };
  input: { accountId: number; purpose: EmailTokenPurpose };
}): Promise<void> {
  await ctx.db.query(
    'UPDATE email_tokens SET used_at = $3, password_hash = NULL WHERE account_id = $1 AND purpose = $2 AND used_at IS NULL',
    [input.accountId, input.purpose, ctx.clock.now()],
  );
}
