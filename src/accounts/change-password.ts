import type { AuditActor } from '../audit/audit-actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { withTransaction } from '../platform/db.ts';
import type { AccountsContext } from './accounts-context.ts';
import { confirmPassword } from './confirm-password.ts';
import { refundLoginAttempt } from './login-throttle.ts';
import type { NewSession } from './sessions/create-session.ts';
import { rotateSession } from './sessions/rotate-session.ts';
import { setPassword } from './set-password.ts';

/**
 * A signed-in account changes its password: the current one first, then every session ends and this
 * browser gets a new one (whoever held a session or knew the old password is out).
 */
export async function changePassword({
  ctx,
  input,
}: {
  ctx: AccountsContext;
  input: {
    accountId: number;
    currentPassword: string;
    newPassword: string;
    actor: AuditActor & { ip: string };
    userAgent?: string | undefined;
  };
}): Promise<NewSession> {
  const attempt = await confirmPassword({
    ctx,
    input: {
      accountId: input.accountId,
      password: input.currentPassword,
      ip: input.actor.ip,
      field: 'current_password',
    },
  });
  const session = await withTransaction(ctx, async (tx) => {
    await setPassword({ ctx: tx, input: { accountId: input.accountId, password: input.newPassword } });
    const { session, revoked } = await rotateSession({
      ctx: tx,
      input: { accountId: input.accountId, ip: input.actor.ip, userAgent: input.userAgent },
    });
    await recordAudit({
      ctx: tx,
      input: {
        actor: input.actor,
        action: 'account.password_change',
        target: { type: 'account', id: input.accountId },
        after: { sessions_revoked: revoked },
      },
    });
    return session;
  });
  await refundLoginAttempt(ctx, attempt);
  return session;
}
