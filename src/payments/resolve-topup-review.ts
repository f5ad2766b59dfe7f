/**
 * An operator's decision on a top-up in review (amounts that disagree, Heleket `locked`, a gateway that
 * reports another payment), with a note, audited in the same transaction:
 *
 * - `credit`: the payment is re-checked with the gateway first, and only a final successful payment of
 *   this very top-up is credited — what the gateway says was paid, through the same deposit as every
 *   credit (creditReviewedTopup), so at most once. Anything else is a CONFLICT naming what the gateway
 *   reports (reject the top-up instead, or wait for the gateway).
 * - `reject`: the top-up fails; nothing is credited.
 *
 * Once: the top-up is locked and must still be in review, so a second decision (or one racing it) is a
 * CONFLICT. The re-check happens before the transaction, so no row stays locked during the HTTP call.
 */
import type { AuditActor } from '../audit/audit-actor.ts';
import { auditReason } from '../audit/audit-reason.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { type DbContext, type Queryable, withTransaction } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import { creditReviewedTopup } from './credit-topup.ts';
import { gatewayFailure } from './gateway-failure.ts';
import { GatewayError, type PaymentStatus } from './gateway-port.ts';
import { gatewayFor } from './gateway-registry.ts';
import { loadGatewayConfig } from './load-gateway-config.ts';
import { loadTopup, TOPUP_COLUMNS, type TopupRecord, topupIdOf } from './topup.ts';

export type ReviewDecision = 'credit' | 'reject';

export interface ResolveTopupReviewInput {
  /** The numeric id or the public `np-topup-<id>`. */
  topupId: number | string;
  action: ReviewDecision;
  note: string;
  actor: AuditActor;
}

export interface ResolvedTopupReview {
  topup: TopupRecord;
  /** For a credit: the deposit and what it credited. */
  transferId: number | null;
  creditedIdr: number | null;
  /** For a credit: what the gateway's re-check reported. */
  gatewayStatus: string | null;
}

export async function resolveTopupReview({
  ctx,
  input,
}: {
  ctx: DbContext & { secret: string };
  input: ResolveTopupReviewInput;
}): Promise<ResolvedTopupReview> {
  const note = auditReason(input.note);
  const id = typeof input.topupId === 'number' ? input.topupId : topupIdOf(input.topupId);
  const topup = id === null || !Number.isSafeInteger(id) ? undefined : await loadTopup(ctx.db, id);
  if (!topup) throw new DomainError('NOT_FOUND', `no top-up ${input.topupId}`);
  assertInReview(topup);
  if (input.action === 'reject') return reject(ctx, topup, note, input.actor);

  const status = await recheck(ctx, topup);
  return withTransaction(ctx, async (tx) => {
    assertInReview(await lockTopup(tx.db, topup.id));
    const credited = await creditReviewedTopup({
      ctx: tx,
      input: {
        gateway: topup.gateway,
        gatewayPaymentId: topup.gatewayPaymentId!,
        paidAmount: status.paidAmount!,
        paidCurrency: status.paidCurrency!,
        // Stripe's disputes name only the charge: without it stored, they could not find this top-up.
        chargeRef: status.chargeRef,
      },
    });
    const decided = await decide(tx.db, topup.id, 'credit', note);
    await recordAudit({
      ctx: tx,
      input: {
        actor: input.actor,
        action: 'topup.review_credit',
        target: { type: 'topup', id: topup.publicId },
        before: { status: topup.status, review_reason: topup.reviewReason, account_id: topup.accountId },
        after: {
          status: decided.status,
          paid_amount: decided.paidAmount,
          credited_idr: credited.creditedIdr,
          transfer_id: credited.transferId,
          gateway_status: status.gatewayStatus,
          note,
        },
      },
    });
    return {
      topup: decided,
      transferId: credited.transferId,
      creditedIdr: credited.creditedIdr,
      gatewayStatus: status.gatewayStatus,
    };
  });
}

function assertInReview(topup: TopupRecord): void {
  if (topup.status !== 'review')
    throw new DomainError('CONFLICT', `top-up ${topup.publicId} is ${topup.status}, not in review`);
}

/** The gateway's word on the payment now: only a final successful payment of this top-up is credited. */
async function recheck(ctx: DbContext & { secret: string }, topup: TopupRecord): Promise<PaymentStatus> {
  if (!topup.gatewayPaymentId)
    throw new DomainError('CONFLICT', `top-up ${topup.publicId} has no gateway payment to re-check`);
  const config = await loadGatewayConfig({ ctx, input: { code: topup.gateway } });
  let status: PaymentStatus;
  try {
    status = await gatewayFor(config).fetchStatus({
      gatewayPaymentId: topup.gatewayPaymentId,
      topupId: topup.publicId,
    });
  } catch (error) {
    if (error instanceof GatewayError && !error.retryable)
      throw new DomainError(
        'CONFLICT',
        `${topup.gateway} re-check failed: ${error.message}; nothing credited`,
      );
    throw gatewayFailure(error, topup.gateway);
  }
  const same = status.topupId === topup.publicId && status.gatewayPaymentId === topup.gatewayPaymentId;
  if (!same || status.state !== 'paid' || !status.paidAmount || !status.paidCurrency)
    throw new DomainError(
      'CONFLICT',
      `${topup.gateway} reports ${status.gatewayStatus} (${same ? status.state : 'another payment'}) for ${topup.publicId}: nothing to credit`,
      { gateway_status: status.gatewayStatus },
    );
  return status;
}

async function reject(
  ctx: DbContext,
  topup: TopupRecord,
  note: string,
  actor: AuditActor,
): Promise<ResolvedTopupReview> {
  return withTransaction(ctx, async (tx) => {
    assertInReview(await lockTopup(tx.db, topup.id));
    const decided = await decide(tx.db, topup.id, 'reject', note);
    await recordAudit({
      ctx: tx,
      input: {
        actor,
        action: 'topup.review_reject',
        target: { type: 'topup', id: topup.publicId },
        before: { status: topup.status, review_reason: topup.reviewReason, account_id: topup.accountId },
        after: { status: decided.status, note },
      },
    });
    return { topup: decided, transferId: null, creditedIdr: null, gatewayStatus: null };
  });
}

async function lockTopup(db: Queryable, id: number): Promise<TopupRecord> {
  const found = await db.query<TopupRecord>(
    `SELECT ${TOPUP_COLUMNS} FROM topups t WHERE t.id = $1 FOR UPDATE`,
    [id],
  );
  return found.rows[0]!;
}

/** Records the decision; a rejected top-up fails (a credited one was made so by the deposit). */
async function decide(
  db: Queryable,
  id: number,
  decision: ReviewDecision,
  note: string,
): Promise<TopupRecord> {
  const updated = await db.query<TopupRecord>(
    `WITH t AS (
       UPDATE topups SET review_decision = $2, review_note = $3, reviewed_at = now(), updated_at = now(),
         status = CASE WHEN $2 = 'reject' THEN 'failed' ELSE status END
       WHERE id = $1 RETURNING *)
     SELECT ${TOPUP_COLUMNS} FROM t`,
    [id, decision, note],
  );
  return updated.rows[0]!;
}
