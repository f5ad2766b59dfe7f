/** The /v2 shapes the ordering pages read (docs: /work/shared/specs/smscode-api.md §3). */

export interface V2Money {
  /** USD as a decimal string. */
  amount: string;
  currency: 'USD';
  /** The ledger truth, in whole IDR. */
  canonical_amount: number;
  canonical_currency: 'IDR';
}

export interface Service {
  id: number;
  code: string;
  name: string;
  active: boolean;
}

export interface Country {
  id: number;
  name: string;
  active: boolean;
  code?: string | null;
  dial_code?: string | null;
  emoji?: string | null;
}

export interface Product {
  id: number;
  available: number;
  price: V2Money;
  active: boolean;
  name?: string | null;
  country_id?: number | null;
  platform_id?: number | null;
  catalog_product_id?: number | null;
  operator_id?: number | null;
  operator_name?: string | null;
}

export interface Fx {
  pair: 'USD/IDR';
  /** Whole IDR per 1 USD. */
  rate: number;
  rate_as_of: string | null;
}

export const ORDER_STATUSES = ['ACTIVE', 'OTP_RECEIVED', 'COMPLETED', 'CANCELED', 'EXPIRED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface OrderSummary {
  id: number;
  status: OrderStatus;
  created_at: string | null;
  product_id: number;
  catalog_product_id: number | null;
  operator_id: number | null;
  operator_name: string | null;
  phone_number: string | null;
  amount: V2Money;
  otp_code: string | null;
  otp_message: string | null;
  sms_revision: number;
  otp_received_at: string | null;
  expires_at: string | null;
  canceled_at: string | null;
  failed_reason: string | null;
  can_finish: boolean;
  can_resend: boolean;
  can_cancel: boolean;
  can_replace: boolean;
  can_reactivate: boolean;
  resend_available_at: string | null;
  cancel_available_at: string | null;
  replace_available_at: string | null;
}

export interface CreateResult {
  orders: { id: number }[];
  failed_count: number;
}
