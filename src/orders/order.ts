/** An order (the handler protocol's "activation") as stored, and the statuses customers may see. */

export const PUBLIC_STATUSES = ['ACTIVE', 'OTP_RECEIVED', 'COMPLETED', 'CANCELED', 'EXPIRED'] as const;
export type PublicStatus = (typeof PUBLIC_STATUSES)[number];
export type OrderStatus = PublicStatus | 'PROVISIONING' | 'FAILED';

/**
 * An SMS found by polling shortly after the window may have arrived within it, and most providers do not
 * say when it arrived: for such SMS the window stays open this much longer, and the expiry sweep waits as
 * long (an SMS whose arrival time the provider reports counts only inside the window).
 */
export const EXPIRY_GRACE_SECONDS = 10;

/** Open: the number is rented and may still receive SMS. */
export const OPEN_STATUSES: readonly PublicStatus[] = ['ACTIVE', 'OTP_RECEIVED'];

export function isOpen(status: OrderStatus): boolean {
  return (OPEN_STATUSES as readonly OrderStatus[]).includes(status);
}

export interface OrderRecord {
  id: number;
  accountId: number;
  catalogProductId: number;
  productId: number;
  providerId: number | null;
  providerRef: string | null;
  operatorId: number | null;
  operatorName: string | null;
  countryId: number;
  countryName: string;
  platformId: number;
  platformName: string;
  platformCode: string;
  handlerCode: string;
  phone: string | null;
  amount: number;
  /** The provider's price in IDR, once a provider supplied the number. */
  costIdr: number | null;
  holdTransferId: number | null;
  status: OrderStatus;
  failedReason: string | null;
  otpCode: string | null;
  otpMessage: string | null;
  otpReceivedAt: Date | null;
  smsRevision: number;
  resendCount: number;
  createdAt: Date;
  activatedAt: Date | null;
  expiresAt: Date | null;
  cancelAvailableAt: Date | null;
  resendAvailableAt: Date | null;
  canceledAt: Date | null;
  completedAt: Date | null;
  providerAction: 'finish' | 'cancel' | null;
}

/** Every column an order read needs, names included; `o` is the orders row (a table or an UPDATE's result). */
export const ORDER_COLUMNS = `o.id, o.account_id AS "accountId", o.catalog_product_id AS "catalogProductId",
    o.product_id AS "productId", o.provider_id AS "providerId", o.provider_ref AS "providerRef",
    o.operator_id AS "operatorId", coalesce(op.name, op.code) AS "operatorName",
    cp.country_id AS "countryId", c.name AS "countryName", cp.platform_id AS "platformId",
    pl.name AS "platformName", pl.code AS "platformCode", pl.handler_code AS "handlerCode", o.phone, o.amount, o.cost_idr AS "costIdr",
    o.hold_transfer_id AS "holdTransferId", o.status, o.failed_reason AS "failedReason",
    o.otp_code AS "otpCode", o.otp_message AS "otpMessage", o.otp_received_at AS "otpReceivedAt",
    o.sms_revision AS "smsRevision", o.resend_count AS "resendCount", o.created_at AS "createdAt",
    o.activated_at AS "activatedAt", o.expires_at AS "expiresAt", o.cancel_available_at AS "cancelAvailableAt",
    o.resend_available_at AS "resendAvailableAt", o.canceled_at AS "canceledAt", o.completed_at AS "completedAt",
    o.provider_action AS "providerAction"`;

export const ORDER_JOINS = `JOIN catalog_products cp ON cp.id = o.catalog_product_id
  JOIN countries c ON c.id = cp.country_id
  JOIN platforms pl ON pl.id = cp.platform_id
  LEFT JOIN operators op ON op.id = o.operator_id`;

/** Everything an order read needs, names included, in one query. */
export const ORDER_SELECT = `SELECT ${ORDER_COLUMNS}
  FROM orders o
  ${ORDER_JOINS}`;
