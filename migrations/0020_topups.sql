-- Top-ups through payment gateways (specs/payments.md §4): the gateways' configuration, the top-up
-- records, the notifications received, and the ledger accounts the money moves through.
--
-- Amounts in a gateway's currency are exact decimals (numeric) in major units — USD 12.50, IDR 150000 —
-- the same decimal strings the gateway port carries; they reach TypeScript as text, never as floats.
-- Everything in the ledger stays integer IDR.

CREATE TABLE payment_gateways (
  code               text PRIMARY KEY CHECK (code IN ('heleket', 'duitku', 'stripe')),
  enabled            boolean NOT NULL DEFAULT false,
  base_url           text NOT NULL,
  -- JSON of the credentials, sealed with platform/secret-box.ts (like provider credentials).
  credentials_sealed text NOT NULL,
  -- In the gateway's currency, major units; NULL: no limit of ours.
  min_amount         numeric(20, 2) CHECK (min_amount > 0),
  max_amount         numeric(20, 2) CHECK (max_amount > 0),
  fee_percent        numeric(6, 3) NOT NULL DEFAULT 0 CHECK (fee_percent >= 0 AND fee_percent < 100),
  currencies         text[] NOT NULL CHECK (cardinality(currencies) > 0),
  methods            text[] NOT NULL DEFAULT '{}',
  timeout_ms         integer NOT NULL DEFAULT 10000 CHECK (timeout_ms BETWEEN 100 AND 120000),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  CHECK (min_amount IS NULL OR max_amount IS NULL OR min_amount <= max_amount)
);

-- Public id: 'np-topup-' || id (the gateway's order id / client reference).
CREATE TABLE topups (
  id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id           bigint NOT NULL REFERENCES accounts (id),
  gateway              text NOT NULL CHECK (gateway IN ('heleket', 'duitku', 'stripe')),
  status               text NOT NULL DEFAULT 'created'
                       CHECK (status IN ('created', 'pending', 'credited', 'failed', 'expired', 'review')),
  requested_amount     numeric(20, 2) NOT NULL CHECK (requested_amount > 0),
  requested_currency   text NOT NULL,
  method               text,
  -- IDR per unit of requested_currency when the top-up was created: every later conversion uses it.
  fx_idr_per_unit      numeric(20, 6) NOT NULL CHECK (fx_idr_per_unit > 0),
  expected_idr         bigint NOT NULL CHECK (expected_idr > 0),
  gateway_payment_id   text,
  payment_url          text,
  qr_string            text,
  va_number            text,
  expires_at           timestamptz,
  paid_amount          numeric(20, 2) CHECK (paid_amount > 0),
  credited_idr         bigint CHECK (credited_idr > 0),
  credited_at          timestamptz,
  -- Cumulative, in the requested currency as the gateway reported it, and in IDR as debited.
  refunded_amount      numeric(20, 2) NOT NULL DEFAULT 0 CHECK (refunded_amount >= 0),
  refunded_idr         bigint NOT NULL DEFAULT 0 CHECK (refunded_idr >= 0),
  disputed_amount      numeric(20, 2) NOT NULL DEFAULT 0 CHECK (disputed_amount >= 0),
  disputed_idr         bigint NOT NULL DEFAULT 0 CHECK (disputed_idr >= 0),
  dispute_reversed_idr bigint NOT NULL DEFAULT 0 CHECK (dispute_reversed_idr >= 0),
  -- The part of refunds and disputes the wallet could not cover: booked to the account's receivable.
  shortfall_idr        bigint NOT NULL DEFAULT 0 CHECK (shortfall_idr >= 0),
  review_reason        text,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  UNIQUE (gateway, gateway_payment_id),
  CHECK ((status = 'credited') = (credited_idr IS NOT NULL)),
  CHECK ((credited_idr IS NULL) = (credited_at IS NULL)),
  CHECK (dispute_reversed_idr <= disputed_idr),
  CHECK (refunded_idr + disputed_idr <= coalesce(credited_idr, 0) + dispute_reversed_idr)
);
CREATE INDEX topups_account_idx ON topups (account_id, id DESC);
CREATE INDEX topups_open_idx ON topups (gateway, expires_at) WHERE status IN ('created', 'pending');

CREATE TABLE payment_events (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  gateway      text NOT NULL CHECK (gateway IN ('heleket', 'duitku', 'stripe')),
  event_key    text NOT NULL,
  payload      jsonb NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now(),
  processed_at timestamptz,
  outcome      text,
  UNIQUE (gateway, event_key)
);
CREATE INDEX payment_events_unprocessed_idx ON payment_events (received_at) WHERE processed_at IS NULL;

CREATE TABLE rejected_payment_notifications (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  gateway      text NOT NULL,
  reason       text NOT NULL,
  source_ip    text,
  -- Signature and authorization headers are removed before storing.
  headers      jsonb NOT NULL DEFAULT '{}',
  body_excerpt text,
  received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rejected_payment_notifications_recent_idx ON rejected_payment_notifications (received_at DESC);

-- A receivable is what a customer owes numpool (a refund or dispute the wallet could not cover). It keeps
-- running totals like a wallet, so the order-create guard reads one row; owed = debits - credits, never
-- negative. It is found by receivable_of, not account_id, which stays the wallet's (every wallet lookup
-- is by account_id).
ALTER TABLE ledger_accounts DROP CONSTRAINT ledger_accounts_kind_check;
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_kind_check
  CHECK (kind IN ('wallet', 'platform', 'receivable'));
ALTER TABLE ledger_accounts ADD COLUMN receivable_of bigint UNIQUE REFERENCES accounts (id);
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_receivable_owner
  CHECK ((kind = 'receivable') = (receivable_of IS NOT NULL));
ALTER TABLE ledger_accounts ADD CONSTRAINT receivable_not_negative
  CHECK (kind <> 'receivable' OR (credits_posted <= debits_posted AND debits_pending = 0 AND credits_pending = 0));

-- One clearing account per gateway: what the gateway collected for numpool, less what it took back.
INSERT INTO ledger_accounts (code, kind) VALUES
  ('platform:gateway:heleket', 'platform'),
  ('platform:gateway:duitku', 'platform'),
  ('platform:gateway:stripe', 'platform');
