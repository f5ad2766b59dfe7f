/**
 * A top-up's end without money: failed, expired, or set aside for an operator (review: a final state
 * that is not credited automatically — Heleket `locked`, amounts that disagree). A credited top-up keeps
 * its status: the money arrived, whatever the gateway reports later (refunds have their own verb).
 * Repeating the same mark is a no-op.
 */
import { type DbContext, withTransaction } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import type { GatewayCode } from './gateway-port.ts';
import { lockTopupByPayment, TOPUP_COLUMNS, type TopupRecord, type TopupStatus } from './topup.ts';

type Ending = 'failed' | 'expired' | 'review';

/** From which statuses each ending may be reached. */
const FROM: Record<Ending, TopupStatus[]> = {
  failed: ['created', 'pending', 'expired'],
  expired: ['created', 'pending'],
  review: ['created', 'pending', 'expired', 'failed'],
};

export interface MarkTopupInput {
  gateway: GatewayCode;
  gatewayPaymentId: string;
  reason?: string | undefined;
}

async function mark(ctx: DbContext, input: MarkTopupInput, status: Ending): Promise<TopupRecord> {
  return withTransaction(ctx, async (tx) => {
    const topup = await lockTopupByPayment(tx.db, input.gateway, input.gatewayPaymentId);
    if (topup.status === status) return topup;
    if (!FROM[status].includes(topup.status)) {
      throw new DomainError(
        'CONFLICT',
        `top-up ${topup.publicId} is ${topup.status}; it cannot become ${status}`,
      );
    }
    const updated = await tx.db.query<TopupRecord>(
      `WITH t AS (
         UPDATE topups SET status = $2, review_reason = CASE WHEN $2 = 'review' THEN $3 ELSE review_reason END,
           updated_at = now()
         WHERE id = $1 RETURNING *)
       SELECT ${TOPUP_COLUMNS} FROM t`,
      [topup.id, status, input.reason?.slice(0, 500) ?? null],
    );
    return updated.rows[0]!;
  });
}

export function markTopupFailed({ ctx, input }: { ctx: DbContext; input: MarkTopupInput }) {
  return mark(ctx, input, 'failed');
}

export function markTopupExpired({ ctx, input }: { ctx: DbContext; input: MarkTopupInput }) {
  return mark(ctx, input, 'expired');
}

export function markTopupReview({ ctx, input }: { ctx: DbContext; input: MarkTopupInput }) {
  return mark(ctx, input, 'review');
}
