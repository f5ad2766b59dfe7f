/**
 * An order as customers see it, at one moment: the public fields plus capabilities. Timestamps are ISO
 * strings so a view can be stored (idempotent replays, event payloads) and rendered again identically.
 */
import { capabilities } from './capabilities.ts';
import type { OrderRecord, PublicStatus } from './order.ts';

export interface OrderView {
  id: number;
  status: PublicStatus;
  createdAt: string;
  /** When the number was handed over: the rental runs from here to expiresAt. */
  activatedAt: string | null;
  productId: number;
  catalogProductId: number;
  countryName: string;
  platformName: string;
  operatorId: number | null;
  operatorName: string | null;
  phone: string | null;
  amount: number;
  otpCode: string | null;
  otpMessage: string | null;
  smsRevision: number;
  otpReceivedAt: string | null;
  expiresAt: string | null;
  canceledAt: string | null;
  failedReason: string | null;
  canFinish: boolean;
  canResend: boolean;
  canCancel: boolean;
  canReplace: boolean;
  canReactivate: boolean;
  resendAvailableAt: string | null;
  cancelAvailableAt: string | null;
  replaceAvailableAt: string | null;
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function orderView(order: OrderRecord, now: Date): OrderView {
  if (order.status === 'PROVISIONING' || order.status === 'FAILED') {
    throw new Error(`order ${order.id} is not visible while ${order.status}`);
  }
  const can = capabilities(order, now);
  return {
    id: order.id,
    status: order.status,
    createdAt: order.createdAt.toISOString(),
    activatedAt: iso(order.activatedAt),
    productId: order.productId,
    catalogProductId: order.catalogProductId,
    countryName: order.countryName,
    platformName: order.platformName,
    operatorId: order.operatorId,
    operatorName: order.operatorName,
    phone: order.phone,
    amount: order.amount,
    otpCode: order.otpCode,
    otpMessage: order.otpMessage,
    smsRevision: order.smsRevision,
    otpReceivedAt: iso(order.otpReceivedAt),
    expiresAt: iso(order.expiresAt),
    canceledAt: iso(order.canceledAt),
    failedReason: order.failedReason,
    canFinish: can.canFinish,
    canResend: can.canResend,
    canCancel: can.canCancel,
    canReplace: can.canReplace,
    canReactivate: can.canReactivate,
    resendAvailableAt: iso(can.resendAvailableAt),
    cancelAvailableAt: iso(can.cancelAvailableAt),
    replaceAvailableAt: iso(can.replaceAvailableAt),
  };
}
