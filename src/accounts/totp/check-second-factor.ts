import type { Clock } from '../../platform/clock.ts';
import type { DbContext } from '../../platform/db.ts';
import { open } from '../../platform/secret-box.ts';
import { hashRecoveryCode, normalizeRecoveryCode } from './recovery-codes.ts';
import { matchTotpStep } from './totp.ts';

export type SecondFactor = 'totp' | 'recovery_code';

/**
 * Checks and spends a second factor: a TOTP code whose step is later than the last one accepted (the
 * conditional UPDATE makes two racing uses of one code count once), or an unused recovery code, then used.
 * Undefined when neither is good. Run it in the transaction of what the factor unlocks, so a rollback
 * gives the factor back.
 */
export async function checkSecondFactor({
  ctx,
  input,
}: {
  ctx: DbContext & { clock: Clock; secret: string };
  input: {
    accountId: number;
    secretSealed: string;
    totpCode?: string | undefined;
    recoveryCode?: string | undefined;
  };
}): Promise<SecondFactor | undefined> {
  const now = ctx.clock.now();
  if (input.totpCode !== undefined) {
    const step = matchTotpStep(open(ctx.secret, input.secretSealed), input.totpCode, now);
    if (step === undefined) return undefined;
    const taken = await ctx.db.query(
      `UPDATE accounts SET totp_last_step = $2
       WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)`,
      [input.accountId, step],
    );
    return taken.rowCount === 1 ? 'totp' : undefined;
  }
  if (input.recoveryCode !== undefined) {
    const code = normalizeRecoveryCode(input.recoveryCode);
    if (code === undefined) return undefined;
    const used = await ctx.db.query(
      `UPDATE recovery_codes SET used_at = $3
       WHERE account_id = $1 AND code_hash = $2 AND used_at IS NULL`,
      [input.accountId, hashRecoveryCode(input.accountId, code), now],
    );
    return used.rowCount === 1 ? 'recovery_code' : undefined;
  }
  return undefined;
}
