import type { AuditActor } from '../../audit/audit-actor.ts';
import { recordAudit } from '../../audit/record-audit.ts';
import { withTransaction } from '../../platform/db.ts';
import { DomainError } from '../../platform/errors.ts';
import { seal } from '../../platform/secret-box.ts';
import type { AccountsContext } from '../accounts-context.ts';
import { generateTotpSecret, totpUrl } from './totp.ts';

/**
 * Starts two-factor sign-in: a new secret, stored sealed, for the account's authenticator app. Nothing
 * changes at login until enableTotp sees a code made from it; setting up again replaces a pending secret.
 */
export async function setUpTotp({
  ctx,
  input,
}: {
  ctx: AccountsContext;
  input: { accountId: number; actor: AuditActor };
}): Promise<{ secret: string; otpauthUrl: string }> {
  const secret = generateTotpSecret();
  return withTransaction(ctx, async (tx) => {
    const updated = await tx.db.query<{ email: string }>(
      `UPDATE accounts SET totp_secret_sealed = $2, totp_last_step = NULL
       WHERE id = $1 AND totp_enabled_at IS NULL RETURNING email`,
      [input.accountId, seal(ctx.secret, secret)],
    );
    const email = updated.rows[0]?.email;
    if (email === undefined)
      throw new DomainError('CONFLICT', 'two-factor sign-in is already on; turn it off first');
    await recordAudit({
      ctx: tx,
      input: {
        actor: input.actor,
        action: 'account.totp_setup',
        target: { type: 'account', id: input.accountId },
      },
    });
    return { secret, otpauthUrl: totpUrl(secret, email) };
  });
}
