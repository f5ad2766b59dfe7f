import type { AuditActor } from '../../audit/audit-actor.ts';
import { recordAudit } from '../../audit/record-audit.ts';
import { withTransaction } from '../../platform/db.ts';
import { DomainError } from '../../platform/errors.ts';
import { open } from '../../platform/secret-box.ts';
import type { AccountsContext } from '../accounts-context.ts';
import type { NewSession } from '../sessions/create-session.ts';
import { rotateSession } from '../sessions/rotate-session.ts';
import {
  generateRecoveryCode,
  hashRecoveryCode,
  normalizeRecoveryCode,
  RECOVERY_CODE_COUNT,
} from './recovery-codes.ts';
import { matchTotpStep } from './totp.ts';

/**
 * Turns two-factor sign-in on once a code from the pending secret proves the authenticator has it. Returns
 * the recovery codes (the only time they are visible; only their hashes are kept) and, since the account's
 * protection changed, a new session for this browser — every other session ends.
 */
export async function enableTotp({
  ctx,
  input,
}: {
  ctx: AccountsContext;
  input: {
    accountId: number;
    code: string;
    actor: AuditActor & { ip: string };
    userAgent?: string | undefined;
  };
}): Promise<{ recoveryCodes: string[]; session: NewSession }> {
  return withTransaction(ctx, async (tx) => {
    const found = await tx.db.query<{ sealed: string | null; enabled: boolean }>(
      `SELECT totp_secret_sealed AS sealed, totp_enabled_at IS NOT NULL AS enabled
       FROM accounts WHERE id = $1 FOR UPDATE`,
      [input.accountId],
    );
    const row = found.rows[0];
    if (!row) throw new DomainError('NOT_FOUND', 'no such account');
    if (row.enabled) throw new DomainError('CONFLICT', 'two-factor sign-in is already on');
    if (!row.sealed)
      throw new DomainError('CONFLICT', 'set two-factor sign-in up first (POST /api/2fa/setup)');
    const step = matchTotpStep(open(ctx.secret, row.sealed), input.code, ctx.clock.now());
    if (step === undefined)
      throw new DomainError('VALIDATION_ERROR', 'code is not a valid code for this secret');
    await tx.db.query('UPDATE accounts SET totp_enabled_at = $2, totp_last_step = $3 WHERE id = $1', [
      input.accountId,
      ctx.clock.now(),
      step,
    ]);
    const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, generateRecoveryCode);
    await tx.db.query('DELETE FROM recovery_codes WHERE account_id = $1', [input.accountId]);
    await tx.db.query(`INSERT INTO recovery_codes (account_id, code_hash) SELECT $1, unnest($2::bytea[])`, [
      input.accountId,
      recoveryCodes.map((code) => hashRecoveryCode(input.accountId, normalizeRecoveryCode(code)!)),
    ]);
    const { session, revoked } = await rotateSession({
      ctx: tx,
      input: { accountId: input.accountId, ip: input.actor.ip, userAgent: input.userAgent },
    });
    await recordAudit({
      ctx: tx,
      input: {
        actor: input.actor,
        action: 'account.totp_enable',
        target: { type: 'account', id: input.accountId },
        after: { recovery_codes: RECOVERY_CODE_COUNT, sessions_revoked: revoked },
      },
    });
    return { recoveryCodes, session };
  });
}
