/** Order views → the contract's shapes, per version (/v1 IDR integers, /v2 USD money). */
import type { OrderView } from '../../../orders/order-view.ts';
import { type FxReceipt, usdMoney } from './money.ts';

const flags = (o: OrderView) => ({
  can_finish: o.canFinish,
  can_resend: o.canResend,
  can_cancel: o.canCancel,
  can_replace: o.canReplace,
  can_reactivate: o.canReactivate,
  resend_available_at: o.resendAvailableAt,
  cancel_available_at: o.cancelAvailableAt,
  replace_available_at: o.replaceAvailableAt,
});

/** IDR on /v1; 4-decimal USD money on /v2. */
export const amountOf = (idr: number, fx: FxReceipt | undefined) => (fx ? usdMoney(idr, fx, 4) : idr);

export function summary(o: OrderView, fx?: FxReceipt) {
  return {
    id: o.id,
    status: o.status,
    created_at: o.createdAt,
    product_id: o.productId,
    catalog_product_id: o.catalogProductId,
    operator_id: o.operatorId,
    operator_name: o.operatorName,
    phone_number: o.phone,
    amount: amountOf(o.amount, fx),
    otp_code: o.otpCode,
    otp_message: o.otpMessage,
    sms_revision: o.smsRevision,
    otp_received_at: o.otpReceivedAt,
    expires_at: o.expiresAt,
    canceled_at: o.canceledAt,
    failed_reason: o.failedReason,
    ...flags(o),
  };
}

export function statusRow(o: OrderView) {
  return {
    id: o.id,
    status: o.status,
    otp_code: o.otpCode,
    otp_message: o.otpMessage,
    sms_revision: o.smsRevision,
    otp_received_at: o.otpReceivedAt,
    expires_at: o.expiresAt,
    failed_reason: o.failedReason,
    operator_id: o.operatorId,
    operator_name: o.operatorName,
    ...flags(o),
  };
}

export function createItem(o: OrderView, fx?: FxReceipt) {
  return {
    id: o.id,
    status: o.status,
    product_id: o.productId,
    amount: amountOf(o.amount, fx),
    otp_code: o.otpCode,
    phone_number: o.phone,
    otp_received_at: o.otpReceivedAt,
    expires_at: o.expiresAt,
    failed_reason: o.failedReason,
    catalog_product_id: o.catalogProductId,
    operator_id: o.operatorId,
    operator_name: o.operatorName,
    ...flags(o),
  };
}
