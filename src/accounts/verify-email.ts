import type { AuditActor } from '../audit/audit-actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { withTransaction } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import type { AccountsContext } from './accounts-context.ts';
import { closeEmailTokens, consumeEmailToken } from './email-links/consume-email-token.ts';
import { INVALID_LINK } from './email-links/email-token.ts';
import { revokeAccountApiKeys } from './revoke-account-api-keys.ts';
import { revokeAccountSessions } from './sessions/revoke-sessions.ts';

/**
 * Follows a verification link: the account's address is verified and the password chosen at the sign-up
 * that sent this link becomes the account's. When that replaces another password (two sign-ups with one
 * address), whatever the other password opened — sessions, API keys — is closed. Unknown, used and expired
 * tokens get the same VALIDATION_ERROR.
 */
export async function verifyEmail({
  ctx,
  input,
}: {
  ctx: AccountsContext;
  input: { token: string; actor: AuditActor };
}): Promise<{ accountId: number }> {
  return withTransaction(ctx, async (tx) => {
    const token = await consumeEmailToken({ ctx: tx, input: { token: input.token, purpose: 'verify' } });
    if (!token) throw new DomainError('VALIDATION_ERROR', INVALID_LINK);
    const before = await tx.db.query<{ passwordHash: string | null; verified: boolean }>(
      `SELECT password_hash AS "passwordHash", email_verified_at IS NOT NULL AS verified
       FROM accounts WHERE id = $1 FOR UPDATE`,
      [token.accountId],
    );
    const replaced = token.passwordHash !== null && token.passwordHash !== before.rows[0]?.passwordHash;
    await tx.db.query(
      `UPDATE accounts SET email_verified_at = coalesce(email_verified_at, $2),
                           password_hash = coalesce($3, password_hash)
       WHERE id = $1`,
      [token.accountId, tx.clock.now(), token.passwordHash],
    );
    await closeEmailTokens({ ctx: tx, input: { accountId: token.accountId, purpose: 'verify' } });
    if (replaced) {
      await revokeAccountSessions({ ctx: tx, input: { accountId: token.accountId } });
      await revokeAccountApiKeys({ ctx: tx, input: { accountId: token.accountId } });
    }
    await recordAudit({
      ctx: tx,
      input: {
        actor: input.actor,
        action: 'account.email_verified',
        target: { type: 'account', id: token.accountId },
        before: { email_verified: before.rows[0]?.verified ?? false },
        after: { email_verified: true, password_replaced: replaced },
      },
    });
    return { accountId: token.accountId };
  });
}
