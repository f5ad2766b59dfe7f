/**
 * An operator's refund of a completed order (the customer paid; the code did not work for them): the
 * amount the customer paid goes back from revenue to their wallet as a new transfer (refund-order.ts),
 * audited in the same transaction. Only a COMPLETED order — its charge is final, no further SMS or
 * cancel can touch its money — and only once: the order row is locked, and the refund's external id
 * (order:<id>) is unique, so concurrent refunds of one order yield one refund and CONFLICTs.
 */
import type { AuditActor } from '../audit/audit-actor.ts';
import { auditReason } from '../audit/audit-reason.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { getBalance } from '../ledger/get-balance.ts';
import { withTransaction } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import { loadOrder } from './load-order.ts';
import type { OrdersContext } from './orders-context.ts';
import { refundOrder } from './refund-order.ts';

export async function refundCompletedOrder({
  ctx,
  input,
}: {
  ctx: OrdersContext;
  input: { orderId: number; reason: string; actor: AuditActor };
}): Promise<{ transferId: number; amount: number; accountId: number }> {
  const reason = auditReason(input.reason);
  return withTransaction(ctx, async (tx) => {
    const order = await loadOrder({
      ctx: tx,
      input: { orderId: input.orderId, lock: true, includeHidden: true },
    });
    if (order.status !== 'COMPLETED') {
      throw new DomainError(
        'CONFLICT',
        `order ${order.id} is ${order.status}; only a completed order is refunded`,
      );
    }
    const already = await tx.db.query(
      `SELECT 1 FROM transfers WHERE code = 'order_refund' AND external_id = $1`,
      [`order:${order.id}`],
    );
    if (already.rowCount !== 0) throw new DomainError('CONFLICT', `order ${order.id} was already refunded`);
    const refund = await refundOrder({ ctx: tx, input: { orderId: order.id, memo: reason } });
    // The refund locked the wallet's row: what it holds now is exactly the balance before plus the refund.
    const after = await getBalance({ ctx: tx, input: { accountId: order.accountId } });
    const before = {
      available: after.available - refund.amount,
      posted: after.posted - refund.amount,
      pending: after.pending,
    };
    await recordAudit({
      ctx: tx,
      input: {
        actor: input.actor,
        action: 'order.refund',
        target: { type: 'order', id: order.id },
        before: { status: order.status, refunded: false, account_id: order.accountId, balance: before },
        after: {
          status: order.status,
          refunded: true,
          account_id: order.accountId,
          balance: after,
          amount: refund.amount,
          reason,
          transfer_id: refund.transferId,
        },
      },
    });
    return { ...refund, accountId: order.accountId };
  });
}
