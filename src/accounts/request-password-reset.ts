import type { AuditActor } from '../audit/audit-actor.ts';
import { withTransaction } from '../platform/db.ts';
import { checkedEmail } from './account.ts';
import type { AccountsContext } from './accounts-context.ts';
import { passwordResetMail } from './email-links/account-mail.ts';
import { mailAccountLink } from './email-links/mail-account-link.ts';

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
  const email = checkedEmail(input.email);
  await withTransaction(ctx, async (tx) => {
    const found = await tx.db.query<{ id: number }>(
      'SELECT id FROM accounts WHERE email = $1 AND disabled_at IS NULL FOR UPDATE',
      [email],
    );
    const account = found.rows[0];
    if (!account) return;
    await mailAccountLink({
      ctx: tx,
      input: {
        accountId: account.id,
        purpose: 'reset',
        action: 'account.password_reset_requested',
        actor: input.actor,
        mail: (token) => passwordResetMail(ctx.config.publicUrl, email, token),
      },
    });
  });
}
