-- The abuse guard: an account whose recent orders mostly end without an SMS is blocked from creating
-- orders for a while (src/abuse/). One row per ban, kept after it ends: the next ban's tier follows the
-- previous one, and operators see the history.
CREATE TABLE abuse_bans (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id  bigint NOT NULL REFERENCES accounts (id),
  tier        integer NOT NULL CHECK (tier >= 1),
  started_at  timestamptz NOT NULL,
  until       timestamptz NOT NULL CHECK (until > started_at),
  -- An operator ended the ban early.
  lifted_at   timestamptz CHECK (lifted_at >= started_at),
  lifted_by   bigint REFERENCES accounts (id),
  -- What tripped it: the judged window and the thresholds in force.
  reason      jsonb NOT NULL,
  CHECK (lifted_by IS NULL OR lifted_at IS NOT NULL)
);
-- The previous ban of an account (escalation, and which orders still count).
CREATE INDEX abuse_bans_account_idx ON abuse_bans (account_id, started_at DESC);
-- The check on every create: one probe, on a part of the index that is empty for almost every account.
CREATE INDEX abuse_bans_in_force_idx ON abuse_bans (account_id, until DESC) WHERE lifted_at IS NULL;
