/**
 * An operator closes a payment mismatch with a note saying what was done about it (refunded at the
 * gateway, credited by hand, a test payment…), audited in the same transaction. Once: a resolved
 * mismatch is a CONFLICT. Later sweeps that see the same payment again leave it resolved.
 */
import type { AuditActor } from '../audit/audit-actor.ts';
import { auditReason } from '../audit/audit-reason.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { type DbContext, withTransaction } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import { MISMATCH_COLUMNS, type PaymentMismatch } from './payment-mismatch.ts';

export async function resolvePaymentMismatch({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { id: number; note: string; actor: AuditActor };
}): Promise<PaymentMismatch> {
  const note = auditReason(input.note);
  return withTransaction(ctx, async (tx) => {
    const found = await tx.db.query<PaymentMismatch>(
      `SELECT ${MISMATCH_COLUMNS} FROM payment_mismatches m WHERE m.id = $1 FOR UPDATE`,
      [input.id],
    );
    const before = found.rows[0];
    if (!before) throw new DomainError('NOT_FOUND', `no payment mismatch ${input.id}`);
    if (before.resolvedAt)
      throw new DomainError('CONFLICT', `payment mismatch ${input.id} is already resolved`);
    const { actor } = input;
    const updated = await tx.db.query<PaymentMismatch>(
      `WITH m AS (
         UPDATE payment_mismatches SET resolved_at = now(), resolved_by = $2, resolved_by_account_id = $3, note = $4
         WHERE id = $1 RETURNING *)
       SELECT ${MISMATCH_COLUMNS} FROM m`,
      [input.id, actor.kind, actor.kind === 'account' ? actor.accountId : null, note],
    );
    await recordAudit({
      ctx: tx,
      input: {
        actor,
        action: 'payment_mismatch.resolve',
        target: { type: 'payment_mismatch', id: input.id },
        before: {
          gateway: before.gateway,
          gateway_payment_id: before.gatewayPaymentId,
          topup_id: before.topupId,
          kind: before.kind,
          resolved: false,
        },
        after: { resolved: true, note },
      },
    });
    return updated.rows[0]!;
  });
}
