import type { AuditActor } from '../../audit/audit-actor.ts';
import { recordAudit } from '../../audit/record-audit.ts';
import type { MailMessage } from '../../mail/mailer.ts';
import { sendMail } from '../../mail/send-mail.ts';
import { withTransaction } from '../../platform/db.ts';
import type { AccountsContext } from '../accounts-context.ts';
import type { EmailTokenPurpose } from './email-token.ts';
import { issueEmailToken } from './issue-email-token.ts';

/**
 * A link mailed on request (a password reset, a fresh verification link) to the account with this
 * address, if one that is not disabled (and, when asked, not verified yet) has it: a new token, the
 * request audited, the mail sent once the one short transaction commits. Nothing tells the caller
 * whether there was such an account.
 */
export async function mailAccountLink({
  ctx,
  input,
}: {
  ctx: AccountsContext;
  input: {
    /** Normalized and checked (checkedEmail). */
    email: string;
    onlyUnverified: boolean;
    purpose: EmailTokenPurpose;
    action: string;
    actor: AuditActor;
    mail: (token: string) => MailMessage;
  };
}): Promise<void> {
  await withTransaction(ctx, async (tx) => {
    const found = await tx.db.query<{ id: number }>(
      `SELECT id FROM accounts
       WHERE email = $1 AND disabled_at IS NULL AND (NOT $2 OR email_verified_at IS NULL) FOR UPDATE`,
      [input.email, input.onlyUnverified],
    );
    const account = found.rows[0];
    if (!account) return;
    const token = await issueEmailToken({
      ctx: tx,
      input: { accountId: account.id, purpose: input.purpose },
    });
    await recordAudit({
      ctx: tx,
      input: { actor: input.actor, action: input.action, target: { type: 'account', id: account.id } },
    });
    sendMail({ ctx: tx, input: input.mail(token) });
  });
}
