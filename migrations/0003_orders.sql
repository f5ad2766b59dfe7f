-- The money path: orders (activations), their SMS, idempotency keys, the order event outbox, and upstream
-- activations that no order owns.

-- Brandur-style idempotency keys: one row per (account, operation, key). The stored result is replayed for
-- a repeated request; recovery_point records how far a crashed attempt got.
CREATE TABLE idempotency_keys (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id     bigint NOT NULL REFERENCES accounts (id),
  scope          text NOT NULL CHECK (scope IN ('create', 'reactivate')),
  key            text NOT NULL CHECK (key ~ '^[A-Za-z0-9_-]{1,128}$'),
  request_hash   text NOT NULL,
  locked_at      timestamptz,
  recovery_point text NOT NULL DEFAULT 'started' CHECK (recovery_point IN ('started', 'finished')),
  -- {"ok": {...result}} or {"error": {"code", "message", "details"?}}
  result         jsonb,
  created_at     timestamptz NOT NULL DEFAULT now(),
  last_run_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, scope, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- Orders. The handler API calls them activations; ids stay below 2^31 because clients parse int32.
-- PROVISIONING and FAILED are internal: never shown to customers.
CREATE TABLE orders (
  id                    integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id            bigint NOT NULL REFERENCES accounts (id),
  idempotency_key_id    bigint REFERENCES idempotency_keys (id),
  parent_order_id       integer REFERENCES orders (id),
  catalog_product_id    integer NOT NULL REFERENCES catalog_products (id),
  product_id            integer NOT NULL REFERENCES products (id),
  provider_id           integer REFERENCES providers (id),
  provider_ref          text,
  operator_id           integer REFERENCES operators (id),
  phone                 text CHECK (phone ~ '^[0-9]{5,20}$'),
  amount                bigint NOT NULL CHECK (amount >= 0),
  cost_idr              bigint CHECK (cost_idr >= 0),
  hold_transfer_id      bigint REFERENCES transfers (id),
  status                text NOT NULL DEFAULT 'PROVISIONING'
                        CHECK (status IN ('PROVISIONING', 'ACTIVE', 'OTP_RECEIVED', 'COMPLETED', 'CANCELED', 'EXPIRED', 'FAILED')),
  failed_reason         text,
  otp_code              text,
  otp_message           text,
  otp_received_at       timestamptz,
  sms_revision          integer NOT NULL DEFAULT 0 CHECK (sms_revision >= 0),
  resend_count          integer NOT NULL DEFAULT 0,
  created_at            timestamptz NOT NULL DEFAULT now(),
  activated_at          timestamptz,
  expires_at            timestamptz,
  cancel_available_at   timestamptz,
  resend_available_at   timestamptz,
  canceled_at           timestamptz,
  completed_at          timestamptz,
  -- Provider-side finish/cancel still owed after a local state change (retried by the expiry job).
  provider_action       text CHECK (provider_action IN ('finish', 'cancel')),
  CHECK (status = 'PROVISIONING' OR status = 'FAILED' OR (provider_id IS NOT NULL AND provider_ref IS NOT NULL AND phone IS NOT NULL)),
  CHECK ((otp_received_at IS NULL) = (sms_revision = 0))
);
CREATE INDEX orders_account_idx ON orders (account_id, id DESC);
CREATE UNIQUE INDEX orders_provider_ref_key ON orders (provider_id, provider_ref) WHERE provider_ref IS NOT NULL;
CREATE INDEX orders_open_idx ON orders (expires_at) WHERE status IN ('ACTIVE', 'OTP_RECEIVED');
CREATE INDEX orders_provisioning_idx ON orders (created_at) WHERE status = 'PROVISIONING';
CREATE INDEX orders_provider_action_idx ON orders (id) WHERE provider_action IS NOT NULL;
CREATE INDEX orders_idempotency_idx ON orders (idempotency_key_id) WHERE idempotency_key_id IS NOT NULL;

-- One row per distinct SMS of an order. The same text reported twice (push and poll, or again after a
-- resend) is one SMS.
CREATE TABLE sms_messages (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_id    integer NOT NULL REFERENCES orders (id),
  dedupe_key  text NOT NULL,
  text        text,
  code        text,
  revision    integer NOT NULL,
  received_at timestamptz NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (order_id, dedupe_key)
);

-- Outbox: every customer-visible order change, written in the same transaction as the change. Webhooks,
-- streams and long-polls are fed from here.
CREATE TABLE order_events (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id bigint NOT NULL REFERENCES accounts (id),
  order_id   integer NOT NULL REFERENCES orders (id),
  event      text NOT NULL CHECK (event IN ('order.otp_received', 'order.completed', 'order.expired', 'order.canceled')),
  payload    jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_events_account_idx ON order_events (account_id, id);

-- Upstream activations seen open at a provider that no order owns (e.g. a crash between the provider call
-- and recording it). Cancelled at the provider once they have stayed unowned for a while.
CREATE TABLE upstream_orphans (
  provider_id   integer NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
  provider_ref  text NOT NULL,
  first_seen_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider_id, provider_ref)
);
