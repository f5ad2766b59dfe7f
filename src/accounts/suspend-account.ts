/**
 * Suspension: an operator stops an account from buying (new orders, reactivations) while it keeps signing
 * in and reading its orders and balance; orders already open run their course. The claim of every
 * purchase's idempotency key reads the flag from the database (idempotency-key.ts), so a suspension and
 * its end apply to the very next request on every node — no cached principal carries it.
 */
import type { AuditActor } from '../audit/audit-actor.ts';
import { auditReason } from '../audit/audit-reason.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { type DbContext, withTransaction } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import { ACCOUNT_COLUMNS, type Account } from './account.ts';

const state = (a: Account) => ({
  suspended: a.suspendedAt !== null,
  suspended_at: a.suspendedAt?.toISOString() ?? null,
  suspended_reason: a.suspendedReason,
});

async function changeSuspension(
  ctx: DbContext,
  input: { accountId: number; actor: AuditActor; reason: string | null },
): Promise<Account> {
  const suspending = input.reason !== null;
  return withTransaction(ctx, async (tx) => {
    const locked = await tx.db.query<Account>(
      `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id = $1 FOR UPDATE`,
      [input.accountId],
    );
    const before = locked.rows[0];
    if (!before) throw new DomainError('NOT_FOUND', `no account ${input.accountId}`);
    if ((before.suspendedAt !== null) === suspending) {
      throw new DomainError(
        'CONFLICT',
        `account ${before.id} is ${suspending ? 'already' : 'not'} suspended`,
      );
    }
    const updated = await tx.db.query<Account>(
      `UPDATE accounts SET suspended_at = CASE WHEN $2::text IS NULL THEN NULL ELSE now() END,
         suspended_reason = $2 WHERE id = $1 RETURNING ${ACCOUNT_COLUMNS}`,
      [before.id, input.reason],
    );
    const after = updated.rows[0]!;
    await recordAudit({
      ctx: tx,
      input: {
        actor: input.actor,
        action: suspending ? 'account.suspend' : 'account.unsuspend',
        target: { type: 'account', id: after.id },
        before: state(before),
        after: state(after),
      },
    });
    return after;
  });
}

export async function suspendAccount({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { accountId: number; reason: string; actor: AuditActor };
}): Promise<Account> {
  const reason = auditReason(input.reason);
  return changeSuspension(ctx, { accountId: input.accountId, actor: input.actor, reason });
}

export async function unsuspendAccount({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { accountId: number; actor: AuditActor };
}): Promise<Account> {
  return changeSuspension(ctx, { accountId: input.accountId, actor: input.actor, reason: null });
}
