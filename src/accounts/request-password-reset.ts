import type { AuditActor } from '../audit/audit-actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { sendMail } from '../mail/send-mail.ts';
import { withTransaction } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import { isEmailShape, normalizeEmail } from './account.ts';
import type { AccountsContext } from './accounts-context.ts';
import { passwordResetMail } from './email-links/account-mail.ts';
import { issueEmailToken } from './email-links/issue-email-token.ts';

/**
 * Mails a password-reset link to the address if an account (not disabled) has it; returns nothing either
 * way, so the caller cannot tell. The new link supersedes the account's earlier ones. Both paths run one
 * short transaction; the mail itself is sent after the commit, outside the answer's time.
 */
export async function requestPasswordReset({
  ctx,
  input,
}: {
  ctx: AccountsContext;
  input: { email: string; actor: AuditActor };
}): Promise<void> {
  const email = normalizeEmail(input.email);
  if (!isEmailShape(email)) throw new DomainError('VALIDATION_ERROR', 'email is not a valid address');
  await withTransaction(ctx, async (tx) => {
    const found = await tx.db.query<{ id: number }>(
      'SELECT id FROM accounts WHERE email = $1 AND disabled_at IS NULL FOR UPDATE',
      [email],
    );
    const account = found.rows[0];
    if (!account) return;
    const token = await issueEmailToken({ ctx: tx, input: { accountId: account.id, purpose: 'reset' } });
    await recordAudit({
      ctx: tx,
      input: {
        actor: input.actor,
        action: 'account.password_reset_requested',
        target: { type: 'account', id: account.id },
      },
    });
    sendMail({ ctx: tx, input: passwordResetMail(ctx.config.publicUrl, email, token) });
  });
}
