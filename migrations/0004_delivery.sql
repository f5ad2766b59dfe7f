-- Delivery: customer webhooks (config, signed deliveries with retries), provider push secrets.

ALTER TABLE accounts
  ADD COLUMN webhook_url                  text CHECK (length(webhook_url) <= 2048),
  ADD COLUMN webhook_secret               text CHECK (length(webhook_secret) <= 256),
  ADD COLUMN webhook_disabled_at          timestamptz,
  ADD COLUMN webhook_disabled_reason      text,
  ADD COLUMN webhook_consecutive_failures integer NOT NULL DEFAULT 0 CHECK (webhook_consecutive_failures >= 0);

-- One row per event to deliver to one URL. The body is serialised once, signed and sent as the same bytes
-- on every attempt. Written in the same transaction as the order change it reports.
CREATE TABLE webhook_deliveries (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id       bigint NOT NULL REFERENCES accounts (id),
  order_event_id   bigint,
  event            text NOT NULL,
  url              text NOT NULL,
  body             text NOT NULL,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts         integer NOT NULL DEFAULT 0,
  last_status_code integer,
  last_error       text,
  next_attempt_at  timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  delivered_at     timestamptz
);
CREATE INDEX webhook_deliveries_account_idx ON webhook_deliveries (account_id, id DESC);
CREATE INDEX webhook_deliveries_created_idx ON webhook_deliveries (created_at);

-- Providers that push SMS prove it with this secret (query ?secret= or header X-Numpool-Hook-Secret).
ALTER TABLE providers ADD COLUMN hook_secret text NOT NULL
  DEFAULT replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '');

CREATE INDEX order_events_created_idx ON order_events (created_at);
CREATE INDEX sms_messages_created_idx ON sms_messages (created_at) WHERE text IS NOT NULL;
