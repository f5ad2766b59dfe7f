/** Heleket payment statuses (specs/payments.md §1.5) and what they mean in numpool's terms. */
import type { PaymentState } from '../gateway-port.ts';

/** Successful in both official SDKs; numpool also credits `wrong_amount` (money did arrive). */
export const HELEKET_SUCCESSFUL = ['paid', 'paid_over'] as const;
export const HELEKET_CREDITED = ['paid', 'paid_over', 'wrong_amount'] as const;
export const HELEKET_FINAL = [
  'paid',
  'paid_over',
  'wrong_amount',
  'cancel',
  'fail',
  'system_fail',
  'locked',
  'refund_paid',
  'refund_fail',
] as const;

export function isHeleketFinal(status: string): boolean {
  return (HELEKET_FINAL as readonly string[]).includes(status);
}

/**
 * The state of an invoice from its status and, when present, its `is_final` flag (which wins over the
 * table: a credited status not yet final stays pending). `hasPaidAmount` is false when the USD amount is
 * missing, and a credited status then goes to review rather than guessing an amount.
 */
export function heleketState(
  status: string,
  isFinal: boolean | undefined,
  hasPaidAmount: boolean,
): PaymentState {
  if ((HELEKET_CREDITED as readonly string[]).includes(status)) {
    if (isFinal === false) return 'pending';
    return hasPaidAmount ? 'paid' : 'review';
  }
  switch (status) {
    case 'cancel':
      return 'expired';
    case 'fail':
    case 'system_fail':
      return 'failed';
    case 'locked':
      return 'review';
    case 'refund_paid':
      return 'refunded';
    default:
      return 'pending';
  }
}
