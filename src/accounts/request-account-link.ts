/**
 * Links mailed on request, answered the same whether or not an account has the address (the difference
 * goes only to the mailbox; see mail-account-link.ts):
 * - a password reset, for an account that is not disabled; the new link supersedes its earlier ones;
 * - a fresh verification link, for an account not verified yet (its first mail was lost, or the link
 *   expired); the link keeps the account's password, and earlier links stay valid until one is used.
 */
import type { AuditActor } from '../audit/audit-actor.ts';
import type { MailMessage } from '../mail/mailer.ts';
import { checkedEmail } from './account.ts';
import type { AccountsContext } from './accounts-context.ts';
import { passwordResetMail, verificationMail } from './email-links/account-mail.ts';
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
  purpose: 'verify',
  action: 'account.verification_resent',
  mail: verificationMail,
});
