import type { AuditActor } from '../../audit/audit-actor.ts';
import { recordAudit } from '../../audit/record-audit.ts';
import { withTransaction } from '../../platform/db.ts';
import { DomainError } from '../../platform/errors.ts';
import type { AccountsContext } from '../accounts-context.ts';
import { confirmPassword } from '../confirm-password.ts';
import { refundLoginAttempt } from '../login-throttle.ts';
import { checkSecondFactor } from './check-second-factor.ts';

/**
 * Turns two-factor sign-in off: the password and a current code (or a recovery code, for a lost phone)
 * are both needed, so neither a stolen session nor a stolen password alone can do it. The secret and the
 * recovery codes are deleted. A wrong code counts as a failed login, like a wrong password.
 */
export async function disableTotp({
  ctx,
  input,
}: {
  ctx: AccountsContext;
  input: { accountId: number; password: string; code: string; actor: AuditActor & { ip: string } };
}): Promise<void> {
  const attempt = await confirmPassword({
    ctx,
    input: { accountId: input.accountId, password: input.password, ip: input.actor.ip, field: 'password' },
  });
  await withTransaction(ctx, async (tx) => {
    const found = await tx.db.query<{ sealed: string | null; enabled: boolean }>(
      `SELECT totp_secret_sealed AS sealed, totp_enabled_at IS NOT NULL AS enabled
       FROM accounts WHERE id = $1 FOR UPDATE`,
      [input.accountId],
    );
    const row = found.rows[0];
    if (!row?.enabled || !row.sealed) throw new DomainError('CONFLICT', 'two-factor sign-in is not on');
    const sixDigits = /^\d{6}$/.test(input.code);
    const factor = await checkSecondFactor({
      ctx: tx,
      input: {
        accountId: input.accountId,
        secretSealed: row.sealed,
        totpCode: sixDigits ? input.code : undefined,
        recoveryCode: sixDigits ? undefined : input.code,
      },
    });
    if (!factor) throw new DomainError('VALIDATION_ERROR', 'code is not a valid code');
    await tx.db.query(
      `UPDATE accounts SET totp_secret_sealed = NULL, totp_enabled_at = NULL, totp_last_step = NULL
       WHERE id = $1`,
      [input.accountId],
    );
    await tx.db.query('DELETE FROM recovery_codes WHERE account_id = $1', [input.accountId]);
    await recordAudit({
      ctx: tx,
      input: {
        actor: input.actor,
        action: 'account.totp_disable',
        target: { type: 'account', id: input.accountId },
        after: { with: factor },
      },
    });
  });
  await refundLoginAttempt(ctx, attempt);
}
