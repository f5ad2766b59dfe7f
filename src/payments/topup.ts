/**
 * A top-up as stored, its public id, and the money arithmetic every top-up verb shares. Amounts in the
 * gateway's currency are decimal strings (numeric in the database, big.js here); the ledger is integer IDR.
 */
import Big from 'big.js';
import type { Queryable } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import type { GatewayCode } from './gateway-port.ts';
import type { BonusTier } from './topup-terms.ts';

export type TopupStatus = 'created' | 'pending' | 'credited' | 'failed' | 'expired' | 'review';

export interface TopupRecord {
  id: number;
  /** `np-topup-<id>`: the gateway's order id / client reference. */
  publicId: string;
  accountId: number;
  gateway: GatewayCode;
  status: TopupStatus;
  requestedAmount: string;
  requestedCurrency: string;
  method: string | null;
  /** IDR per unit of requestedCurrency, snapshotted at creation. */
  fxIdrPerUnit: string;
  expectedIdr: number;
  gatewayPaymentId: string | null;
  /** The gateway's charge behind the payment (Stripe payment intent), stored when credited. */
  gatewayChargeRef: string | null;
  paymentUrl: string | null;
  qrString: string | null;
  vaNumber: string | null;
  expiresAt: Date | null;
  paidAmount: string | null;
  /** The payment's IDR value, deposited in full; the wallet kept creditedIdr − feeIdr + bonusIdr. */
  creditedIdr: number | null;
  creditedAt: Date | null;
  refundedAmount: string;
  refundedIdr: number;
  disputedAmount: string;
  disputedIdr: number;
  disputeReversedIdr: number;
  /** What refunds and disputes booked to the account's receivable. */
  shortfallIdr: number;
  /** The gateway's fee percent and the bonus tiers, snapshotted at creation (topup-terms.ts). */
  feePercent: string;
  bonusTiers: BonusTier[];
  /** Charged at credit; 0 before. */
  feeIdr: number;
  /** The tier's percent applied at credit; null when none applied (or not credited yet). */
  bonusPercent: string | null;
  bonusIdr: number;
  reviewReason: string | null;
  /** An operator's decision on the review, with its note. */
  reviewDecision: 'credit' | 'reject' | null;
  reviewNote: string | null;
  reviewedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const TOPUP_PREFIX = 'np-topup-';

export function topupPublicId(id: number): string {
  return `${TOPUP_PREFIX}${id}`;
}

/** The numeric id in `np-topup-<id>`, or null for anything else. */
export function topupIdOf(publicId: string): number | null {
  const match = /^np-topup-0*([1-9][0-9]{0,14})$/.exec(publicId);
  return match ? Number(match[1]) : null;
}

export const TOPUP_COLUMNS = `t.id, 'np-topup-' || t.id AS "publicId", t.account_id AS "accountId", t.gateway, t.status,
  t.requested_amount::text AS "requestedAmount", t.requested_currency AS "requestedCurrency", t.method,
  t.fx_idr_per_unit::text AS "fxIdrPerUnit", t.expected_idr AS "expectedIdr",
  t.gateway_payment_id AS "gatewayPaymentId", t.gateway_charge_ref AS "gatewayChargeRef", t.payment_url AS "paymentUrl", t.qr_string AS "qrString",
  t.va_number AS "vaNumber", t.expires_at AS "expiresAt", t.paid_amount::text AS "paidAmount",
  t.credited_idr AS "creditedIdr", t.credited_at AS "creditedAt", t.refunded_amount::text AS "refundedAmount",
  t.refunded_idr AS "refundedIdr", t.disputed_amount::text AS "disputedAmount", t.disputed_idr AS "disputedIdr",
  t.dispute_reversed_idr AS "disputeReversedIdr", t.shortfall_idr AS "shortfallIdr",
  t.fee_percent::text AS "feePercent", t.fee_idr AS "feeIdr", t.bonus_percent::text AS "bonusPercent",
  t.bonus_idr AS "bonusIdr",
  (SELECT coalesce(jsonb_agg(jsonb_build_object('minIdr', (e->>'min_idr')::bigint, 'percent', e->>'percent')
    ORDER BY (e->>'min_idr')::bigint), '[]') FROM jsonb_array_elements(t.bonus_tiers) e) AS "bonusTiers",
  t.review_reason AS "reviewReason", t.review_decision AS "reviewDecision", t.review_note AS "reviewNote",
  t.reviewed_at AS "reviewedAt", t.created_at AS "createdAt", t.updated_at AS "updatedAt"`;

/** Decimal strings with at most two decimals (the gateways' currencies): no exponent, no sign. */
const DECIMAL = /^(0|[1-9][0-9]{0,15})(\.[0-9]{1,2})?$/;

export function parseAmount(value: string, what = 'amount'): Big {
  if (!DECIMAL.test(value)) {
    throw new DomainError('VALIDATION_ERROR', `${what} must be a decimal number with at most 2 decimals`);
  }
  return new Big(value);
}

/** The top-up paid through (gateway, gateway payment id), locked for the caller's transaction. */
export async function lockTopupByPayment(
  db: Queryable,
  gateway: GatewayCode,
  gatewayPaymentId: string,
): Promise<TopupRecord> {
  const found = await db.query<TopupRecord>(
    `SELECT ${TOPUP_COLUMNS} FROM topups t WHERE t.gateway = $1 AND t.gateway_payment_id = $2 FOR UPDATE`,
    [gateway, gatewayPaymentId],
  );
  const topup = found.rows[0];
  if (!topup) throw new DomainError('NOT_FOUND', `no ${gateway} top-up with payment ${gatewayPaymentId}`);
  return topup;
}

/** A top-up by its numeric id, whoever it belongs to (background work; customers use getTopup). */
export async function loadTopup(db: Queryable, id: number): Promise<TopupRecord | undefined> {
  const found = await db.query<TopupRecord>(`SELECT ${TOPUP_COLUMNS} FROM topups t WHERE t.id = $1`, [id]);
  return found.rows[0];
}
