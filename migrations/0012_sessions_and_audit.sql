-- Server-side sessions for people signed in through /api (the web app), and the audit log of admin and
-- security-relevant actions, written in the same transaction as the action it records.

-- The cookie carries a random token; only its SHA-256 is kept, like API keys.
CREATE TABLE sessions (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id    bigint NOT NULL REFERENCES accounts (id),
  token_hash    bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_seen_at  timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  revoked_at    timestamptz,
  ip            inet,
  user_agent    text CHECK (length(user_agent) <= 512)
);
CREATE INDEX sessions_account_idx ON sessions (account_id) WHERE revoked_at IS NULL;

-- Append-only: who did what to which object, with the object before and after.
CREATE TABLE audit_log (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at                timestamptz NOT NULL DEFAULT now(),
  actor_kind        text NOT NULL CHECK (actor_kind IN ('account', 'cli', 'system')),
  actor_account_id  bigint REFERENCES accounts (id),
  action            text NOT NULL CHECK (action ~ '^[a-z][a-z0-9_.]*$'),
  target_type       text,
  target_id         text,
  before            jsonb,
  after             jsonb,
  request_id        text,
  ip                inet,
  CHECK ((actor_kind = 'account') = (actor_account_id IS NOT NULL))
);
CREATE INDEX audit_log_recent_idx ON audit_log (id DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_account_id, id DESC);
CREATE INDEX audit_log_target_idx ON audit_log (target_type, target_id, id DESC);
CREATE INDEX audit_log_action_idx ON audit_log (action, id DESC);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
