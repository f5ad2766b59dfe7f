import type { AuditActor } from '../../audit/audit-actor.ts';
import { recordAudit } from '../../audit/record-audit.ts';
import type { MailMessage } from '../../mail/mailer.ts';
import { sendMail } from '../../mail/send-mail.ts';
import type { AccountsContext } from '../accounts-context.ts';
import type { EmailTokenPurpose } from './email-token.ts';
import { issueEmailToken } from './issue-email-token.ts';

/**
 * A link mailed on request (a password reset, a fresh verification link), inside the caller's
 * transaction: a new token for the account, the request audited, the mail sent once it commits.
 */
export async function mailAccountLink({
  ctx,
  input,
}: {
  ctx: AccountsContext;
  input: {
    accountId: number;
    purpose: EmailTokenPurpose;
    action: string;
    actor: AuditActor;
    mail: (token: string) => MailMessage;
  };
}): Promise<void> {
  const token = await issueEmailToken({ ctx, input: { accountId: input.accountId, purpose: input.purpose } });
  await recordAudit({
    ctx,
    input: { actor: input.actor, action: input.action, target: { type: 'account', id: input.accountId } },
  });
  sendMail({ ctx, input: input.mail(token) });
}
