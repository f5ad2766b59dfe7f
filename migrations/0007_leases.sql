-- Leases: "one process at a time runs this" (a sweep, a provider's sync) without pinning a database
-- connection for the run. A row is held until expires_at; its holder renews it while running and deletes
-- it when done, so a holder that dies frees it at expiry. See src/platform/lease.ts.
CREATE TABLE leases (
  name       text PRIMARY KEY CHECK (length(name) <= 200),
  holder     uuid NOT NULL,
  expires_at timestamptz NOT NULL
);
