/**
 * What a customer may do with an order now, exactly as the contract defines it. "SMS evidence" is any
 * delivered SMS, with or without a recognised code: it closes cancel and opens finish and resend.
 */
import { isOpen, type OrderRecord } from './order.ts';

export interface Capabilities {
  canFinish: boolean;
  canResend: boolean;
  canCancel: boolean;
  canReplace: boolean;
  canReactivate: boolean;
  resendAvailableAt: Date | null;
  cancelAvailableAt: Date | null;
  replaceAvailableAt: Date | null;
}

type CapabilityInput = Pick<
  OrderRecord,
  'status' | 'smsRevision' | 'expiresAt' | 'cancelAvailableAt' | 'resendAvailableAt'
>;

export function capabilities(order: CapabilityInput, now: Date): Capabilities {
  const evidence = order.smsRevision > 0;
  const live = isOpen(order.status);
  const expired = order.expiresAt !== null && now >= order.expiresAt;
  const inCooldown = order.resendAvailableAt !== null && now < order.resendAvailableAt;
  const cancelWindowOpen = order.cancelAvailableAt !== null && now < order.cancelAvailableAt;

  const canCancel = !evidence && order.status === 'ACTIVE' && !cancelWindowOpen;
  const cancelAvailableAt = !evidence && live && cancelWindowOpen ? order.cancelAvailableAt : null;
  return {
    canFinish: evidence && live,
    canResend: evidence && live && !expired && !inCooldown,
    canCancel,
    canReplace: canCancel,
    // No provider offers re-use of a completed number yet.
    canReactivate: false,
    resendAvailableAt: evidence && live && inCooldown ? order.resendAvailableAt : null,
    cancelAvailableAt,
    replaceAvailableAt: cancelAvailableAt,
  };
}
