import type { AuditActor } from '../audit/audit-actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { createWallet } from '../ledger/create-wallet.ts';
import { sendMail } from '../mail/send-mail.ts';
import { withTransaction } from '../platform/db.ts';
import { checkedEmail } from './account.ts';
import type { AccountsContext } from './accounts-context.ts';
import { alreadyRegisteredMail, verificationMail } from './email-links/account-mail.ts';
import { issueEmailToken } from './email-links/issue-email-token.ts';
import { hashPassword } from './password.ts';
import { checkNewPassword } from './password-policy.ts';

/**
 * Self-service sign-up. The caller learns nothing about whether the address already has an account: the
 * verb returns nothing either way and does the same expensive work (the password is hashed in every
 * case). What differs goes only to the mailbox:
 * - a new address: a customer account, unverified, and a verification link;
 * - an unverified account: a fresh verification link that, when followed, sets the password chosen now
 *   (whoever signed up first with someone else's address loses the account to its owner);
 * - a verified account: a note that someone tried, with the way to reset the password;
 * - a disabled account: nothing.
 * Invalid input (address shape, password policy) is refused whatever the address's state.
 */
export async function signUp({
  ctx,
  input,
}: {
  ctx: AccountsContext;
  input: { email: string; password: string; actor: AuditActor };
}): Promise<void> {
  const email = checkedEmail(input.email);
  checkNewPassword(input.password, email);
  const passwordHash = await hashPassword(input.password);
  const { publicUrl } = ctx.config;

  await withTransaction(ctx, async (tx) => {
    const inserted = await tx.db.query<{ id: number }>(
      `INSERT INTO accounts (email, password_hash, role) VALUES ($1, $2, 'customer')
       ON CONFLICT (email) DO NOTHING RETURNING id`,
      [email, passwordHash],
    );
    const created = inserted.rows[0];
    if (created) {
      await createWallet({ ctx: tx, input: { accountId: created.id } });
      const token = await issueEmailToken({
        ctx: tx,
        input: { accountId: created.id, purpose: 'verify', passwordHash },
      });
      await recordAudit({
        ctx: tx,
        input: {
          actor: input.actor,
          action: 'account.signup',
          target: { type: 'account', id: created.id },
          after: { email, role: 'customer', email_verified: false },
        },
      });
      sendMail({ ctx: tx, input: verificationMail(publicUrl, email, token) });
      return;
    }
    const existing = await tx.db.query<{ id: number; verified: boolean; disabled: boolean }>(
      `SELECT id, email_verified_at IS NOT NULL AS verified, disabled_at IS NOT NULL AS disabled
       FROM accounts WHERE email = $1`,
      [email],
    );
    const account = existing.rows[0];
    if (!account || account.disabled) return;
    if (account.verified) {
      sendMail({ ctx: tx, input: alreadyRegisteredMail(publicUrl, email) });
      return;
    }
    const token = await issueEmailToken({
      ctx: tx,
      input: { accountId: account.id, purpose: 'verify', passwordHash },
    });
    sendMail({ ctx: tx, input: verificationMail(publicUrl, email, token) });
  });
}
