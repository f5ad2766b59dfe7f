-- The Idempotency-Key a key was created with: the same key sent again (a form posted twice, a client's
-- retry) finds the key made the first time instead of making another.
ALTER TABLE api_keys ADD COLUMN request_key text;
CREATE UNIQUE INDEX api_keys_request_key_idx ON api_keys (account_id, request_key) WHERE request_key IS NOT NULL;
