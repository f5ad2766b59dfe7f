-- The operator console: account suspension, and the indexes its order search needs.

-- Suspended: the account still signs in and reads its history, but buys nothing (disabled_at, by
-- contrast, refuses authentication). The reason is shown to operators and recorded in the audit log.
ALTER TABLE accounts
  ADD COLUMN suspended_at     timestamptz,
  ADD COLUMN suspended_reason text CHECK (length(suspended_reason) BETWEEN 1 AND 500),
  ADD CONSTRAINT accounts_suspension_has_reason CHECK ((suspended_at IS NULL) = (suspended_reason IS NULL));

-- Order search, newest first within each filter (keyset paging on id). Support looks orders up by the
-- number a customer quotes, and by provider when one misbehaves.
CREATE INDEX orders_phone_idx ON orders (phone, id DESC) WHERE phone IS NOT NULL;
CREATE INDEX orders_provider_idx ON orders (provider_id, id DESC) WHERE provider_id IS NOT NULL;
