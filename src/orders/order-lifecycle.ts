/**
 * The one owner of order state. Every status change of every order goes through transitionOrder, inside
 * the caller's transaction and on a row the caller locked with lockOrder: the move is checked against the
 * table below, written with one `UPDATE … RETURNING`, and its consequences follow in the same transaction —
 * the money (the hold voided, or posted on the first SMS with the provider's cost booked), the routing
 * statistics, the event row that feeds webhooks, streams and long-polls, and the eviction of cached copies
 * after commit.
 *
 * Verbs keep the business rules (who may act, windows, cooldowns, daily caps, talking to the provider);
 * this module keeps the state machine, so no verb can move an order in a way the machine does not allow,
 * or forget what a move implies.
 *
 * Events, per move (WEBHOOK_EVENTS in order-events.ts are the contract's closed set sent to webhooks):
 * - activate → `order.activated` (stream and long-poll only: the number is ready);
 * - receive_sms → `order.otp_received` on every novel SMS;
 * - resend → `order.resend_requested` (stream and long-poll only: back to ACTIVE, cooldown restarted);
 * - complete, cancel, expire → `order.completed`, `order.canceled`, `order.expired`;
 * - fail → none: a FAILED order was never visible.
 *
 * An order that ends without an SMS (cancel, expire) also has its account judged by the abuse guard
 * (abuse/judge-account.ts) in the same transaction, which may ban it from creating orders.
 */
import { judgeAccount } from '../abuse/judge-account.ts';
import { bookProviderCost } from '../ledger/book-provider-cost.ts';
import { postHold, voidHold } from '../ledger/resolve-hold.ts';
import { DomainError } from '../platform/errors.ts';
import { recordDeliveryOutcome } from '../providers/delivery-stats.ts';
import { loadOrder } from './load-order.ts';
import { ORDER_COLUMNS, ORDER_JOINS, ORDER_SELECT, type OrderRecord, type OrderStatus } from './order.ts';
import { type OrderEvent, recordOrderEvent } from './order-events.ts';
import type { OrdersContext } from './orders-context.ts';

export type OrderMove =
  | {
      kind: 'activate';
      providerId: number;
      providerRef: string;
      phone: string;
      productId: number;
      operatorId: number | null;
      costIdr: number;
    }
  | { kind: 'fail'; reason: string }
  | { kind: 'receive_sms'; text: string; code: string | null; receivedAt: Date }
  | { kind: 'resend' }
  | { kind: 'complete' }
  | { kind: 'cancel' }
  | { kind: 'expire' };

export type MoveKind = OrderMove['kind'];

interface MoveRule {
  from: readonly OrderStatus[];
  to: OrderStatus;
  /** SMS evidence (sms_revision > 0) the order must have, must not have, or either. */
  evidence: 'required' | 'forbidden' | 'any';
  event: OrderEvent | null;
  /** void: the hold is released; post_first: the first SMS charges the hold. */
  money: 'void' | 'post_first' | null;
  /** What routing learns: the first SMS (delivered) or an order that ended without one. */
  outcome: 'first_sms' | 'no_sms' | null;
}

export const MOVES: Readonly<Record<MoveKind, MoveRule>> = {
  activate: {
    from: ['PROVISIONING'],
    to: 'ACTIVE',
    evidence: 'forbidden',
    event: 'order.activated',
    money: null,
    outcome: null,
  },
  fail: {
    from: ['PROVISIONING'],
    to: 'FAILED',
    evidence: 'forbidden',
    event: null,
    money: 'void',
    outcome: null,
  },
  receive_sms: {
    from: ['ACTIVE', 'OTP_RECEIVED'],
    to: 'OTP_RECEIVED',
    evidence: 'any',
    event: 'order.otp_received',
    money: 'post_first',
    outcome: 'first_sms',
  },
  resend: {
    from: ['ACTIVE', 'OTP_RECEIVED'],
    to: 'ACTIVE',
    evidence: 'required',
    event: 'order.resend_requested',
    money: null,
    outcome: null,
  },
  complete: {
    from: ['ACTIVE', 'OTP_RECEIVED'],
    to: 'COMPLETED',
    evidence: 'required',
    event: 'order.completed',
    money: null,
    outcome: null,
  },
  cancel: {
    from: ['ACTIVE'],
    to: 'CANCELED',
    evidence: 'forbidden',
    event: 'order.canceled',
    money: 'void',
    outcome: 'no_sms',
  },
  expire: {
    from: ['ACTIVE'],
    to: 'EXPIRED',
    evidence: 'forbidden',
    event: 'order.expired',
    money: 'void',
    outcome: 'no_sms',
  },
};

/** Every status an order can move to from `from`, derived from MOVES. */
export function allowedTargets(from: OrderStatus): OrderStatus[] {
  return [...new Set(Object.values(MOVES).flatMap((rule) => (rule.from.includes(from) ? [rule.to] : [])))];
}

declare const lockedBrand: unique symbol;
/** An order row locked FOR UPDATE in the current transaction: the only thing transitionOrder accepts. */
export type LockedOrder = OrderRecord & { readonly [lockedBrand]: true };

function requireTransaction(ctx: OrdersContext): void {
  if (!ctx.inTransaction) throw new Error('order state changes need the caller’s transaction');
}

/** Locks one order (of one account, when given). Hidden orders are included only when asked for. */
export async function lockOrder({
  ctx,
  input,
}: {
  ctx: OrdersContext;
  input: { orderId: number; accountId?: number; includeHidden?: boolean };
}): Promise<LockedOrder> {
  requireTransaction(ctx);
  return (await loadOrder({ ctx, input: { ...input, lock: true } })) as LockedOrder;
}

/**
 * Locks the order that owns a provider's activation. Providers recycle activation ids, so several
 * orders may have carried one reference: the open one owns it, else the most recent.
 */
export async function lockOrderByProviderRef({
  ctx,
  input,
}: {
  ctx: OrdersContext;
  input: { providerId: number; providerRef: string };
}): Promise<LockedOrder | null> {
  requireTransaction(ctx);
  // Prepared: every incoming SMS starts here.
  const found = await ctx.db.query<OrderRecord>({
    name: 'orders.lock-by-provider-ref',
    text: `${ORDER_SELECT} WHERE o.id = (
       SELECT id FROM orders WHERE provider_id = $1 AND provider_ref = $2
       ORDER BY (status IN ('ACTIVE', 'OTP_RECEIVED')) DESC, id DESC LIMIT 1)
     FOR UPDATE OF o`,
    values: [input.providerId, input.providerRef],
  });
  return (found.rows[0] as LockedOrder | undefined) ?? null;
}

/** Whether a move is allowed from the order's present state (the table, not the business rules). */
export function canMove(order: Pick<OrderRecord, 'status' | 'smsRevision'>, kind: MoveKind): boolean {
  const rule = MOVES[kind];
  if (!rule.from.includes(order.status)) return false;
  if (rule.evidence === 'required') return order.smsRevision > 0;
  if (rule.evidence === 'forbidden') return order.smsRevision === 0;
  return true;
}

/** The SET list of each move; $1 (id) and $2 (from status) are the shared parameters. */
function assignments(ctx: OrdersContext, move: OrderMove, now: Date): { sql: string; values: unknown[] } {
  const { ttlSeconds, minCancelSeconds, resendCooldownSeconds } = ctx.config.orders;
  switch (move.kind) {
    case 'activate':
      return {
        sql: `provider_id = $3, provider_ref = $4, phone = $5, product_id = $6, operator_id = $7, cost_idr = $8,
          activated_at = $9, expires_at = $9::timestamptz + make_interval(secs => $10),
          cancel_available_at = $9::timestamptz + make_interval(secs => $11)`,
        values: [
          move.providerId,
          move.providerRef,
          move.phone,
          move.productId,
          move.operatorId,
          move.costIdr,
          now,
          ttlSeconds,
          minCancelSeconds,
        ],
      };
    case 'fail':
      return { sql: 'failed_reason = $3', values: [move.reason] };
    case 'receive_sms':
      return {
        sql: `sms_revision = sms_revision + 1, otp_message = $3, otp_code = coalesce($4, otp_code),
          otp_received_at = coalesce(otp_received_at, $5),
          resend_available_at = CASE WHEN sms_revision = 0 THEN $5::timestamptz + make_interval(secs => $6)
            ELSE resend_available_at END`,
        values: [move.text, move.code, move.receivedAt, resendCooldownSeconds],
      };
    case 'resend':
      return {
        sql: 'resend_count = resend_count + 1, resend_available_at = $3::timestamptz + make_interval(secs => $4)',
        values: [now, resendCooldownSeconds],
      };
    case 'complete':
      return { sql: `completed_at = $3, provider_action = 'finish'`, values: [now] };
    case 'cancel':
      return { sql: 'canceled_at = $3', values: [now] };
    case 'expire':
      return { sql: `failed_reason = 'NoSms', provider_action = 'cancel'`, values: [] };
  }
}

/**
 * Moves a locked order. A move the table does not allow from the order's present state is CONFLICT
 * (verbs check their business rules first, so this is the race they lost). Returns the order as written.
 */
export async function transitionOrder({
  ctx,
  input,
}: {
  ctx: OrdersContext;
  input: { order: LockedOrder; move: OrderMove };
}): Promise<OrderRecord> {
  requireTransaction(ctx);
  const { order, move } = input;
  const rule = MOVES[move.kind];
  if (!canMove(order, move.kind)) {
    throw new DomainError('CONFLICT', `order ${order.id} cannot ${move.kind.replace('_', ' ')} now`);
  }
  const now = ctx.clock.now();
  const set = assignments(ctx, move, now);
  // One prepared statement per move (its text is fixed by the move). An activation also drops, in the
  // same statement, what an earlier closed order still owed under a reference the provider re-issued.
  const updated = await ctx.db.query<OrderRecord>({
    name: `orders.transition.${move.kind}`,
    text: `WITH o AS (UPDATE orders SET status = '${rule.to}', ${set.sql} WHERE id = $1 AND status = $2 RETURNING *)
     ${move.kind === 'activate' ? `, recycled AS (${RELEASE_RECYCLED_REFERENCE}) ` : ''}
     SELECT ${ORDER_COLUMNS} FROM o ${ORDER_JOINS}`,
    values: [order.id, order.status, ...set.values],
  });
  const after = updated.rows[0];
  if (!after) throw new Error(`order ${order.id} changed while locked`);

  if (rule.event) {
    await recordOrderEvent({
      ctx,
      input: {
        order: after,
        event: rule.event,
        now,
        smsText: move.kind === 'receive_sms' ? move.text : undefined,
      },
    });
  }
  const first = order.smsRevision === 0;
  if (rule.outcome === 'no_sms' || (rule.outcome === 'first_sms' && first)) {
    await recordDeliveryOutcome({
      ctx,
      input: {
        providerId: after.providerId!,
        countryId: after.countryId,
        platformId: after.platformId,
        delivered: rule.outcome === 'first_sms',
        timeToCodeMs:
          rule.outcome === 'first_sms' && after.activatedAt
            ? Math.max(0, now.getTime() - after.activatedAt.getTime())
            : null,
      },
    });
  }
  // The charge comes last: it locks the customer's wallet row, shared by all their orders, so it is held
  // only for the moment before commit (measured: many concurrent codes for one account).
  if (order.holdTransferId !== null) {
    if (rule.money === 'void') await voidHold({ ctx, input: { holdId: order.holdTransferId } });
    if (rule.money === 'post_first' && first) {
      // The provider's cost first: it writes no contended row, so the wallet's lock is the last one taken.
      await bookProviderCost({ ctx, input: { orderId: order.id, costIdr: after.costIdr ?? 0 } });
      await postHold({ ctx, input: { holdId: order.holdTransferId } });
    }
  }
  // After the void, under the wallet's lock: the account's orders ending at the same moment are judged one
  // after the other, each seeing the others committed (judged before it, concurrent cancels each saw too
  // few failures and none banned). Only moves without an SMS pay for it, never the contended first SMS.
  if (rule.outcome === 'no_sms') await judgeAccount({ ctx, input: { accountId: after.accountId } });
  return after;
}

/**
 * A provider that hands out a reference an earlier, closed order carried has forgotten that activation:
 * a finish or cancel still owed for the earlier order would now land on the new one, so it is dropped.
 * Runs beside the activating UPDATE (`o`): same snapshot, other rows (measured: one round trip less).
 */
const RELEASE_RECYCLED_REFERENCE = `UPDATE orders r SET provider_action = NULL FROM o
  WHERE r.provider_id = o.provider_id AND r.provider_ref = o.provider_ref AND r.id <> o.id
    AND r.provider_action IS NOT NULL AND r.status NOT IN ('ACTIVE', 'OTP_RECEIVED')`;
