-- The SMS-Activate handler API: per-account settings and its own webhook format.

ALTER TABLE accounts
  -- Incoming SMS are also POSTed here in the handler webhook format ({"activationId","service","text",…}).
  ADD COLUMN handler_webhook_url text CHECK (length(handler_webhook_url) <= 2048),
  -- Answer handler-API errors as HeroSMS-style JSON with HTTP statuses instead of plain text with 200.
  ADD COLUMN handler_json_errors boolean NOT NULL DEFAULT false;

-- Which format a delivery carries: the SMSCode webhook (signed, counts toward auto-disable) or the handler
-- webhook (unsigned, as that protocol has no signature).
ALTER TABLE webhook_deliveries
  ADD COLUMN kind text NOT NULL DEFAULT 'smscode' CHECK (kind IN ('smscode', 'handler'));
