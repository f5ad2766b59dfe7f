-- Self-service sign-up: whether an account has proven it reads its mailbox, and the single-use links
-- (verify an address, reset a password) sent there.

-- Accounts an operator made (admin command, sandbox) count as verified: the operator vouched for them.
ALTER TABLE accounts ADD COLUMN email_verified_at timestamptz;
UPDATE accounts SET email_verified_at = created_at;

-- The link carries a random token; only its keyed hash is kept, so a copy of the table opens nothing.
-- used_at is set when a token is spent, and also when a newer one of the same purpose supersedes it.
-- A verification token carries the password hash chosen at the sign-up that sent it: following the link
-- sets that password, so someone who signed up first with another person's address (and so knows that
-- account's password) loses it when the address's owner signs up and verifies. Cleared when used.
CREATE TABLE email_tokens (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id  bigint NOT NULL REFERENCES accounts (id),
  purpose     text NOT NULL CHECK (purpose IN ('verify', 'reset')),
  token_hash  bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz,
  password_hash text,
  CHECK (expires_at > created_at),
  CHECK (password_hash IS NULL OR purpose = 'verify')
);
CREATE INDEX email_tokens_open_idx ON email_tokens (account_id, purpose) WHERE used_at IS NULL;
