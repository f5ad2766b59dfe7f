/**
 * Links mailed on request, answered the same whether or not an account has the address (the difference
 * goes only to the mailbox; see mail-account-link.ts):
 * - a password reset, for an account that is not disabled; the new link supersedes its earlier ones;
 * - a fresh confirmation link, for an account not verified yet (its first mail was lost, or the link
 *   expired). It is a reset link: following it, the mailbox's owner chooses the password, which confirms
 *   the address and revokes the sessions and API keys made before (reset-password.ts). A link that kept
 *   the stored password would keep the password of whoever signed up first with this address — perhaps
 *   not its owner — and everything that password opened.
 */
import type { AuditActor } from '../audit/audit-actor.ts';
import type { MailMessage } from '../mail/mailer.ts';
import { checkedEmail } from './account.ts';
import type { AccountsContext } from './accounts-context.ts';
import { confirmAddressMail, passwordResetMail } from './email-links/account-mail.ts';
import type { EmailTokenPurpose } from './email-links/email-token.ts';
import { mailAccountLink } from './email-links/mail-account-link.ts';

interface LinkKind {
  onlyUnverified: boolean;
  purpose: EmailTokenPurpose;
  action: string;
  mail: (publicUrl: string, to: string, token: string) => MailMessage;
}

function linkRequest(kind: LinkKind) {
  return async ({
    ctx,
    input,
  }: {
    ctx: AccountsContext;
    input: { email: string; actor: AuditActor };
  }): Promise<void> => {
    const email = checkedEmail(input.email);
    await mailAccountLink({
      ctx,
      input: {
        email,
        onlyUnverified: kind.onlyUnverified,
        purpose: kind.purpose,
        action: kind.action,
        actor: input.actor,
        mail: (token) => kind.mail(ctx.config.publicUrl, email, token),
      },
    });
  };
}

export const requestPasswordReset = linkRequest({
  onlyUnverified: false,
  purpose: 'reset',
  action: 'account.password_reset_requested',
  mail: passwordResetMail,
});

export const resendVerification = linkRequest({
  onlyUnverified: true,
  purpose: 'reset',
  action: 'account.verification_resent',
  mail: confirmAddressMail,
});
