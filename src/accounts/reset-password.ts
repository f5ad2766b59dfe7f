import type { AuditActor } from '../audit/audit-actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { withTransaction } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import type { AccountsContext } from './accounts-context.ts';
import { closeEmailTokens, consumeEmailToken, findEmailToken } from './email-links/consume-email-token.ts';
import { INVALID_LINK } from './email-links/email-token.ts';
import { hashPassword } from './password.ts';
import { checkNewPassword } from './password-policy.ts';
import { revokeAccountApiKeys } from './revoke-account-api-keys.ts';
import { revokeAccountSessions } from './sessions/revoke-sessions.ts';

/**
 * Follows a reset link with a new password: the password is replaced and every session of the account
 * ends. The link proves the mailbox, so an unverified address becomes verified — and then its API keys are
 * revoked too, since whoever made them knew only the password set before anyone proved the address.
 *
 * The token is checked first without being spent, so a password the policy refuses leaves the link
 * usable; it is spent in the transaction that changes the password (of two concurrent uses, one wins).
 */
export async function resetPassword({
  ctx,
  input,
}: {
  ctx: AccountsContext;
  input: { token: string; password: string; actor: AuditActor };
}): Promise<{ accountId: number }> {
  const open = await findEmailToken({ ctx, input: { token: input.token, purpose: 'reset' } });
  if (!open) throw new DomainError('VALIDATION_ERROR', INVALID_LINK);
  checkNewPassword(input.password, open.email);
  const passwordHash = await hashPassword(input.password);
  return withTransaction(ctx, async (tx) => {
    const token = await consumeEmailToken({ ctx: tx, input: { token: input.token, purpose: 'reset' } });
    if (!token) throw new DomainError('VALIDATION_ERROR', INVALID_LINK);
    const updated = await tx.db.query<{ wasVerified: boolean }>(
      `UPDATE accounts a SET password_hash = $2, email_verified_at = coalesce(a.email_verified_at, $3)
       FROM (SELECT id, email_verified_at IS NOT NULL AS verified FROM accounts WHERE id = $1 FOR UPDATE) old
       WHERE a.id = old.id RETURNING old.verified AS "wasVerified"`,
      [token.accountId, passwordHash, tx.clock.now()],
    );
    const wasVerified = updated.rows[0]?.wasVerified ?? false;
    const sessionsEnded = await revokeAccountSessions({ ctx: tx, input: { accountId: token.accountId } });
    if (!wasVerified) {
      await revokeAccountApiKeys({ ctx: tx, input: { accountId: token.accountId } });
      await closeEmailTokens({ ctx: tx, input: { accountId: token.accountId, purpose: 'verify' } });
    }
    await recordAudit({
      ctx: tx,
      input: {
        actor: input.actor,
        action: 'account.password_reset',
        target: { type: 'account', id: token.accountId },
        after: { sessions_ended: sessionsEnded, email_verified: true },
      },
    });
    return { accountId: token.accountId };
  });
}
