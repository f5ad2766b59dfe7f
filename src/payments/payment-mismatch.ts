/**
 * A payment mismatch: something a gateway reports that the reconciler must not settle by itself, kept
 * for operators (migrations/0022_payment_mismatches.sql) — a paid payment that names no known top-up, or
 * a credited top-up the gateway no longer reports as paid. Recording one again (every sweep sees it
 * again) only moves last_seen_at: one row per (gateway, payment, kind), and a resolved row stays resolved.
 */
import type { DbContext, Queryable } from '../platform/db.ts';
import type { GatewayCode, PaymentStatus } from './gateway-port.ts';

export const MISMATCH_KINDS = ['unknown_payment', 'credited_not_paid'] as const;
export type MismatchKind = (typeof MISMATCH_KINDS)[number];

export interface PaymentMismatch {
  id: number;
  gateway: GatewayCode;
  gatewayPaymentId: string;
  /** `np-topup-<id>` when the mismatch is about a known top-up. */
  topupId: string | null;
  kind: MismatchKind;
  detail: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  seenCount: number;
  resolvedAt: Date | null;
  resolvedBy: 'account' | 'cli' | 'system' | null;
  resolvedByAccountId: number | null;
  note: string | null;
}

export const MISMATCH_COLUMNS = `m.id, m.gateway, m.gateway_payment_id AS "gatewayPaymentId",
  CASE WHEN m.topup_id IS NULL THEN NULL ELSE 'np-topup-' || m.topup_id END AS "topupId", m.kind, m.detail,
  m.first_seen_at AS "firstSeenAt", m.last_seen_at AS "lastSeenAt", m.seen_count AS "seenCount",
  m.resolved_at AS "resolvedAt", m.resolved_by AS "resolvedBy", m.resolved_by_account_id AS "resolvedByAccountId",
  m.note`;

export interface RecordMismatchInput {
  gateway: GatewayCode;
  gatewayPaymentId: string;
  /** The top-up's numeric id, when the payment belongs to one. */
  topupId: number | null;
  kind: MismatchKind;
  detail: string;
}

/** Upserts the mismatch; `isNew` when this call recorded it first. */
export async function recordPaymentMismatch({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: RecordMismatchInput;
}): Promise<{ mismatch: PaymentMismatch; isNew: boolean }> {
  const row = await ctx.db.query<PaymentMismatch & { isNew: boolean }>(
    `WITH m AS (
       INSERT INTO payment_mismatches AS p (gateway, gateway_payment_id, topup_id, kind, detail)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (gateway, gateway_payment_id, kind) DO UPDATE
         SET last_seen_at = now(), seen_count = p.seen_count + 1, detail = EXCLUDED.detail,
           topup_id = coalesce(EXCLUDED.topup_id, p.topup_id)
       RETURNING p.*, (xmax = 0) AS is_new)
     SELECT ${MISMATCH_COLUMNS}, m.is_new AS "isNew" FROM m`,
    [input.gateway, input.gatewayPaymentId, input.topupId, input.kind, input.detail.slice(0, 1000)],
  );
  const { isNew, ...mismatch } = row.rows[0]!;
  return { mismatch, isNew };
}

/** A re-check that contradicts a credit already made: the money is gone or never came. */
export function contradictsCredit(status: Pick<PaymentStatus, 'state'>): boolean {
  return status.state === 'failed' || status.state === 'expired';
}

/** What an operator reads about a credited top-up its gateway no longer reports as paid. */
export function creditedNotPaidDetail(topupPublicId: string, status: PaymentStatus): string {
  return `${topupPublicId} is credited, but the gateway reports ${status.gatewayStatus} (${status.state})`;
}

export async function countOpenMismatches(db: Queryable): Promise<number> {
  const row = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM payment_mismatches WHERE resolved_at IS NULL',
  );
  return row.rows[0]!.n;
}
