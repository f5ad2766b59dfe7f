-- Fast webhook dispatch: a worker that hears a delivery's wake-up (NOTIFY at commit) claims the row until
-- claimed_until, then sends it at once. The queued job stays the safety net: it leaves a row alone while a
-- live claim holds it, and sends it once the claim of a worker that died has expired.
ALTER TABLE webhook_deliveries ADD COLUMN claimed_until timestamptz;
