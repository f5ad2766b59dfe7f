/** The JSON the billing pages read from numpool's API, as its routes document it (snake_case fields). */

export interface Gateway {
  code: string;
  currencies: string[];
  methods: string[];
  min_amount: string | null;
  max_amount: string | null;
  fee_percent: string;
}

export interface Topup {
  id: string;
  gateway: string;
  status: 'created' | 'pending' | 'credited' | 'failed' | 'expired' | 'review';
  amount: string;
  currency: string;
  method: string | null;
  expected_idr: number;
  paid_amount: string | null;
  credited_idr: number | null;
  fee_percent: string;
  fee_idr: number;
  bonus_percent: string | null;
  bonus_idr: number;
  estimated_credit_idr: number;
  wallet_credit_idr: number | null;
  payment_url: string | null;
  qr_string: string | null;
  va_number: string | null;
  expires_at: string | null;
  credited_at: string | null;
  created_at: string;
}

export interface LedgerEntry {
  transfer_id: number;
  code: string;
  amount: number;
  balance_after: number;
  reference: string | null;
  memo: string | null;
  created_at: string;
}

export interface ApiKey {
  id: number;
  name: string;
  prefix: string;
  scopes: string[];
  ip_allowlist: string[] | null;
  daily_spend_limit: number | null;
  spent_today: number;
  last_used_at: string | null;
  last_used_ip: string | null;
  created_at: string;
  revoked_at: string | null;
}

export interface WebhookConfig {
  webhook_url: string | null;
  webhook_secret: string | null;
  webhook_disabled_at: string | null;
  webhook_disabled_reason: string | null;
  webhook_consecutive_failures: number;
}

export interface Delivery {
  id: number;
  event: string;
  url: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
  created_at: string;
  delivered_at: string | null;
  body: string;
}

export interface HandlerSettings {
  handler_webhook_url: string | null;
  handler_json_errors: boolean;
}
