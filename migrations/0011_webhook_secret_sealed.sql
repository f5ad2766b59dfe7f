-- Webhook secrets are kept sealed (AES-256-GCM under a key derived from NUMPOOL_SECRET), like provider
-- credentials. Secrets stored before this are sealed at the next start (webhooks/seal-webhook-secrets.ts),
-- which clears the clear-text column.
ALTER TABLE accounts ADD COLUMN webhook_secret_sealed text;
