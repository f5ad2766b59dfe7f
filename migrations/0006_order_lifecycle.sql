-- Every customer-visible order change writes an event: activation and resend too (streams and long-polls
-- see them; webhooks carry only the contract's four events).
ALTER TABLE order_events DROP CONSTRAINT order_events_event_check;
ALTER TABLE order_events ADD CONSTRAINT order_events_event_check CHECK (event IN (
  'order.activated', 'order.otp_received', 'order.resend_requested', 'order.completed', 'order.expired',
  'order.canceled'));

-- Providers recycle activation ids: a reference is unique among open orders only. A closed order keeps
-- the reference it had, for its history.
DROP INDEX orders_provider_ref_key;
CREATE UNIQUE INDEX orders_open_provider_ref_key ON orders (provider_id, provider_ref)
  WHERE status IN ('ACTIVE', 'OTP_RECEIVED');
CREATE INDEX orders_provider_ref_idx ON orders (provider_id, provider_ref) WHERE provider_ref IS NOT NULL;
