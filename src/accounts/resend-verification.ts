import type { AuditActor } from '../audit/audit-actor.ts';
import { withTransaction } from '../platform/db.ts';
import { checkedEmail } from './account.ts';
import type { AccountsContext } from './accounts-context.ts';
import { verificationMail } from './email-links/account-mail.ts';
import { mailAccountLink } from './email-links/mail-account-link.ts';

/**
 * Mails a fresh verification link to an address whose account is not verified yet (the first mail was
 * lost, or its link expired). Returns nothing either way, as sign-up does: the caller cannot tell whether
 * the address has an account or is verified already. The link keeps the account's password; earlier
 * links stay valid until one is used.
 */
export async function resendVerification({
  ctx,
  input,
}: {
  ctx: AccountsContext;
  input: { email: string; actor: AuditActor };
}): Promise<void> {
  const email = checkedEmail(input.email);
  await withTransaction(ctx, async (tx) => {
    const found = await tx.db.query<{ id: number }>(
      `SELECT id FROM accounts
       WHERE email = $1 AND email_verified_at IS NULL AND disabled_at IS NULL FOR UPDATE`,
      [email],
    );
    const account = found.rows[0];
    if (!account) return;
    await mailAccountLink({
      ctx: tx,
      input: {
        accountId: account.id,
        purpose: 'verify',
        action: 'account.verification_resent',
        actor: input.actor,
        mail: (token) => verificationMail(ctx.config.publicUrl, email, token),
      },
    });
  });
}
