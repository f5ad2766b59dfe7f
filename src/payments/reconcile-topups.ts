/**
 * The safety net for lost notifications (specs/payments.md §4.8), run every minute and on an operator's
 * demand. Per enabled gateway:
 *
 * - A gateway that lists its payments (Stripe) is read once for the window: every listed payment of a
 *   known top-up is settled through the same path a notification takes (applyPaymentStatus), so a paid
 *   session whose event was dropped is credited — once, the deposit being unique per payment; a paid
 *   payment that names no known top-up is a mismatch for operators. Top-ups the listing covered are not
 *   asked about again.
 * - Every other recent top-up of the gateway (all of them for Heleket and Duitku, which have no list call)
 *   is re-checked with the gateway's status call: pending ones, and expired or failed ones too, since a
 *   late success must still be credited.
 * - Recently credited top-ups the gateway now reports failed or expired are mismatches; nothing is
 *   debited automatically. One it reports refunded (Heleket's `refund_paid`) is debited through the
 *   refund verb, as its notification would have: the gateway already gave the money back, so a lost
 *   refund notification must not leave it credited (the verb moves only what has not moved yet).
 *
 * Stored notifications whose job gave up are run again first (rerun-stalled-payment-events.ts).
 *
 * Mismatches are kept in payment_mismatches (one row per payment and kind, however many sweeps see it).
 * A gateway that cannot be reached is skipped until the next run; a concurrent run (the sweep and an
 * operator's) changes nothing twice.
 */
import type { Clock } from '../platform/clock.ts';
import type { DbContext } from '../platform/db.ts';
import type { Logger } from '../platform/logger.ts';
import { applyPaymentStatus } from './apply-payment-status.ts';
import { debitTopupRefund } from './debit-topup.ts';
import {
  GATEWAY_CODES,
  type GatewayCode,
  GatewayError,
  type ListedPayment,
  type PaymentGateway,
  type PaymentStatus,
} from './gateway-port.ts';
import { gatewayFor } from './gateway-registry.ts';
import { loadGatewayConfig } from './load-gateway-config.ts';
import {
  contradictsCredit,
  countOpenMismatches,
  creditedNotPaidDetail,
  type RecordMismatchInput,
  recordPaymentMismatch,
} from './payment-mismatch.ts';
import { rerunStalledPaymentEvents } from './rerun-stalled-payment-events.ts';
import { TOPUP_COLUMNS, type TopupRecord, topupIdOf } from './topup.ts';

/** Pending, expired and failed top-ups are asked about until this long after creation. */
const OPEN_WINDOW_HOURS = 48;
/** Credited ones are asked about for a day, to catch a gateway that no longer calls them paid. */
const CREDITED_WINDOW_HOURS = 24;
/** Top-ups re-checked one by one per gateway and run. */
const BATCH = 200;
/** Listed payments read per gateway and run; top-ups the list did not reach are re-checked one by one. */
const LIST_CAP = 5_000;

export interface ReconcileSummary {
  /** Payments read from the gateways' own lists. */
  listed: number;
  /** Top-ups re-checked one by one with their gateway's status call. */
  checked: number;
  credited: number;
  /** Credited top-ups whose refund at the gateway was debited by this run. */
  refunded: number;
  /** Stored notifications whose job had given up, processed by this run. */
  rerun: number;
  /** Unresolved mismatches seen by this run, those it recorded first, and all unresolved ones. */
  mismatches: { found: number; new: number; open: number };
  unreachable: GatewayCode[];
}

type ReconcileContext = DbContext & { secret: string; log: Logger; clock: Clock };

export async function reconcileTopups({
  ctx,
  input = {},
}: {
  ctx: ReconcileContext;
  /** batch: top-ups re-checked one by one per gateway and run (default BATCH). */
  input?: { batch?: number };
}): Promise<ReconcileSummary> {
  const batch = input.batch ?? BATCH;
  const summary: ReconcileSummary = {
    listed: 0,
    checked: 0,
    credited: 0,
    refunded: 0,
    rerun: 0,
    mismatches: { found: 0, new: 0, open: 0 },
    unreachable: [],
  };
  summary.rerun = await rerunStalledPaymentEvents({ ctx });
  const now = ctx.clock.now();
  for (const code of GATEWAY_CODES) {
    const config = await loadGatewayConfig({ ctx, input: { code } }).catch(() => undefined);
    if (!config?.enabled) continue;
    try {
      await reconcileGateway(ctx, gatewayFor(config), now, batch, summary);
    } catch (error) {
      if (!(error instanceof GatewayError)) throw error;
      // Down, or unusable as configured (logged): skipped until the next run; the others go on.
      if (!error.retryable)
        ctx.log.error({ err: error, gateway: code }, 'top-up reconciliation skipped a gateway');
      summary.unreachable.push(code);
    }
  }
  summary.mismatches.open = await countOpenMismatches(ctx.db);
  if (summary.credited > 0 || summary.refunded > 0 || summary.rerun > 0 || summary.mismatches.found > 0)
    ctx.log.warn(summary, 'top-up reconciliation acted');
  return summary;
}

async function reconcileGateway(
  ctx: ReconcileContext,
  gateway: PaymentGateway,
  now: Date,
  batch: number,
  summary: ReconcileSummary,
): Promise<void> {
  let covered = new Set<number>();
  if (gateway.listPayments) {
    const since = new Date(now.getTime() - OPEN_WINDOW_HOURS * 3_600_000);
    try {
      covered = await reconcileListed(ctx, gateway, since, summary);
    } catch (error) {
      if (error instanceof GatewayError && error.retryable) throw error;
      // A list the gateway refused: each top-up is still asked about on its own.
      ctx.log.warn({ err: error, gateway: gateway.code }, 'payment listing failed');
    }
  }
  for (const topup of await dueTopups(ctx, gateway.code, now, batch)) {
    if (covered.has(topup.id)) continue;
    let status: PaymentStatus;
    try {
      status = await gateway.fetchStatus({
        gatewayPaymentId: topup.gatewayPaymentId!,
        topupId: topup.publicId,
      });
    } catch (error) {
      if (error instanceof GatewayError && error.retryable) throw error;
      ctx.log.warn({ err: error, topup: topup.publicId }, 'top-up re-check failed');
      continue;
    }
    summary.checked++;
    await markRechecked(ctx, topup.id, now);
    await settle(ctx, topup, status, summary);
  }
}

/** Reads the gateway's list for the window and settles what it says; returns the top-ups it covered. */
async function reconcileListed(
  ctx: ReconcileContext,
  gateway: PaymentGateway,
  since: Date,
  summary: ReconcileSummary,
): Promise<Set<number>> {
  const listed: ListedPayment[] = [];
  for await (const payment of gateway.listPayments!({ since })) {
    listed.push(payment);
    if (listed.length >= LIST_CAP) break;
  }
  summary.listed += listed.length;
  const known = await topupsByPayment(
    ctx,
    gateway.code,
    listed.map((p) => p.gatewayPaymentId),
  );
  const covered = new Set<number>();
  for (const payment of listed) {
    const topup = known.get(payment.gatewayPaymentId);
    if (!topup) {
      if (payment.state === 'paid') await unknownPayment(ctx, gateway.code, payment, summary);
      continue;
    }
    covered.add(topup.id);
    // A payment naming no top-up or another one goes to review in applyPaymentStatus.
    await settle(ctx, topup, { ...payment, topupId: payment.topupId ?? '' }, summary);
  }
  return covered;
}

/** What a gateway's answer means for one top-up; an error on one top-up does not stop the run. */
async function settle(
  ctx: ReconcileContext,
  topup: TopupRecord,
  status: PaymentStatus,
  summary: ReconcileSummary,
): Promise<void> {
  try {
    if (topup.status === 'credited') {
      if (contradictsCredit(status))
        await mismatch(ctx, summary, {
          gateway: topup.gateway,
          gatewayPaymentId: topup.gatewayPaymentId ?? status.gatewayPaymentId,
          topupId: topup.id,
          kind: 'credited_not_paid',
          detail: creditedNotPaidDetail(topup.publicId, status),
        });
      else if (status.state === 'refunded' && status.paidAmount !== null) {
        const debit = await debitTopupRefund({
          ctx,
          input: {
            gateway: topup.gateway,
            gatewayPaymentId: topup.gatewayPaymentId!,
            amount: status.paidAmount,
            currency: status.paidCurrency ?? undefined,
          },
        });
        if (!debit.replayed) summary.refunded++;
      }
      return;
    }
    // Review is an operator's; a top-up not yet sent to the gateway has nothing to settle.
    if (topup.status === 'review' || topup.status === 'created') return;
    const outcome = await applyPaymentStatus({ ctx, input: { topup, status } });
    if (outcome === 'credited') summary.credited++;
  } catch (error) {
    ctx.log.warn({ err: error, topup: topup.publicId }, 'top-up reconciliation failed');
  }
}

/** A paid payment numpool has no top-up for: its own reference may still name one (kept for the operator). */
async function unknownPayment(
  ctx: ReconcileContext,
  gateway: GatewayCode,
  payment: ListedPayment,
  summary: ReconcileSummary,
): Promise<void> {
  const id = payment.topupId === null ? null : topupIdOf(payment.topupId);
  const named =
    id === null
      ? undefined
      : (
          await ctx.db.query<{ id: number; paymentId: string | null }>(
            `SELECT id, gateway_payment_id AS "paymentId" FROM topups WHERE id = $1 AND gateway = $2`,
            [id, gateway],
          )
        ).rows[0];
  const paid = `${payment.paidAmount ?? '?'} ${payment.paidCurrency ?? ''}`.trim();
  const naming =
    payment.topupId === null
      ? 'names no top-up'
      : named
        ? `names ${payment.topupId}, which ${named.paymentId ? `is payment ${named.paymentId}` : 'has no payment id'}`
        : `names ${payment.topupId}, which is not a ${gateway} top-up`;
  await mismatch(ctx, summary, {
    gateway,
    gatewayPaymentId: payment.gatewayPaymentId,
    topupId: named?.id ?? null,
    kind: 'unknown_payment',
    detail: `${gateway} reports ${payment.gatewayPaymentId} paid (${paid}, ${payment.gatewayStatus}); it ${naming}`,
  });
}

async function mismatch(
  ctx: ReconcileContext,
  summary: ReconcileSummary,
  input: RecordMismatchInput,
): Promise<void> {
  const recorded = await recordPaymentMismatch({ ctx, input });
  if (recorded.mismatch.resolvedAt !== null) return;
  summary.mismatches.found++;
  if (recorded.isNew) summary.mismatches.new++;
  ctx.log.error(
    { gateway: input.gateway, payment: input.gatewayPaymentId, kind: input.kind, detail: input.detail },
    'payment mismatch',
  );
}

/**
 * The gateway's recent top-ups worth asking about, those asked about longest ago (or never) first, so a
 * batch smaller than what is open still reaches every one in turn; among equals pending first, then
 * expired and failed, then credited. Not those an operator rejected.
 */
async function dueTopups(
  ctx: DbContext,
  gateway: GatewayCode,
  now: Date,
  batch: number,
): Promise<TopupRecord[]> {
  const due = await ctx.db.query<TopupRecord>(
    `SELECT ${TOPUP_COLUMNS} FROM topups t
     WHERE t.gateway = $1 AND t.gateway_payment_id IS NOT NULL AND t.review_decision IS DISTINCT FROM 'reject'
       AND ((t.status IN ('pending', 'expired', 'failed')
             AND t.created_at > $2::timestamptz - make_interval(hours => $3))
         OR (t.status = 'credited' AND t.credited_at > $2::timestamptz - make_interval(hours => $4)))
     ORDER BY t.rechecked_at NULLS FIRST,
       CASE t.status WHEN 'pending' THEN 0 WHEN 'credited' THEN 2 ELSE 1 END, t.id
     LIMIT $5`,
    [gateway, now, OPEN_WINDOW_HOURS, CREDITED_WINDOW_HOURS, batch],
  );
  return due.rows;
}

async function topupsByPayment(
  ctx: DbContext,
  gateway: GatewayCode,
  paymentIds: string[],
): Promise<Map<string, TopupRecord>> {
  if (paymentIds.length === 0) return new Map();
  const found = await ctx.db.query<TopupRecord>(
    `SELECT ${TOPUP_COLUMNS} FROM topups t WHERE t.gateway = $1 AND t.gateway_payment_id = ANY($2::text[])`,
    [gateway, paymentIds],
  );
  return new Map(found.rows.map((t) => [t.gatewayPaymentId!, t]));
}

async function markRechecked(ctx: DbContext, topupId: number, at: Date): Promise<void> {
  await ctx.db.query('UPDATE topups SET rechecked_at = $2 WHERE id = $1', [topupId, at]);
}
