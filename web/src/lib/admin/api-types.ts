/** What the operators' API (/admin/api) answers, as the admin pages read it. */

export interface AdminOrder {
  id: number;
  account_id: number;
  status: string;
  provider_id: number | null;
  provider_ref: string | null;
  country_name: string;
  platform_code: string;
  platform_name: string;
  operator_name: string | null;
  phone: string | null;
  amount: number;
  cost_idr: number | null;
  otp_code: string | null;
  otp_received_at: string | null;
  failed_reason: string | null;
  created_at: string;
  activated_at: string | null;
  expires_at: string | null;
  canceled_at: string | null;
  completed_at: string | null;
}

export interface AdminOrderDetail extends AdminOrder {
  refund: { transfer_id: number; amount: number; memo: string | null; at: string } | null;
}

export interface AdminAccount {
  id: number;
  email: string;
  role: string;
  status: 'active' | 'suspended' | 'disabled';
  suspended: boolean;
  suspended_at: string | null;
  suspended_reason: string | null;
  disabled_at: string | null;
  created_at: string;
}

export interface Balance {
  available: number;
  posted: number;
  pending: number;
}

export interface AdminAccountDetail extends AdminAccount {
  balance: Balance;
  order_counts: Record<string, number>;
  active_api_keys: number;
  active_sessions: number;
  recent_orders: AdminOrder[];
}

export interface AbuseGuard {
  banned: boolean;
  until: string | null;
  tier: number | null;
  recent: { orders: number; failed: number; failure_rate: number };
}

export interface AdminProvider {
  id: number;
  code: string;
  kind: string;
  name: string;
  enabled: boolean;
  priority: number;
  base_url: string;
  currency: string;
  timeout_ms: number;
  sandbox: boolean;
  has_credential: boolean;
  last_sync_at: string | null;
  last_sync_error: string | null;
  health: { circuit: string; consecutive_failures: number; last_error: string | null };
}

export interface SyncSummary {
  offers: number;
  unknown_codes: number;
  withdrawn: number;
  duration_ms: number;
}

export interface MarkupRule {
  id: number;
  scope: string;
  provider_id: number | null;
  country_id: number | null;
  platform_id: number | null;
  multiplier: string;
  add_idr: number;
}

export interface AdminTopup {
  id: string;
  account_id: number;
  gateway: string;
  status: string;
  amount: string;
  currency: string;
  method: string | null;
  expected_idr: number;
  paid_amount: string | null;
  credited_idr: number | null;
  review_reason: string | null;
  review_decision: string | null;
  review_note: string | null;
  created_at: string;
}

export interface PaymentMismatch {
  id: number;
  gateway: string;
  gateway_payment_id: string;
  topup_id: string | null;
  kind: string;
  detail: string;
  first_seen_at: string;
  last_seen_at: string;
  seen_count: number;
  resolved_at: string | null;
  note: string | null;
}

export interface RefusedNotification {
  id: number;
  gateway: string;
  reason: string;
  source_ip: string | null;
  received_at: string;
}

export interface Gateway {
  code: string;
  enabled: boolean;
  base_url: string;
  min_amount: string | null;
  max_amount: string | null;
  fee_percent: string;
  currencies: string[];
  methods: string[];
  timeout_ms: number;
  updated_at: string;
}

export interface ReconcileSummary {
  listed: number;
  checked: number;
  credited: number;
  refunded: number;
  rerun: number;
  mismatches: { found: number; new: number; open: number };
  unreachable: string[];
}

export interface BonusTier {
  min_idr: number;
  percent: string;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor_kind: string;
  actor_account_id: number | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  before: unknown;
  after: unknown;
  request_id: string | null;
  ip: string | null;
}
