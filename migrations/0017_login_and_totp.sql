-- Two-factor sign-in with TOTP: the shared secret sealed with NUMPOOL_SECRET (set up, then enabled once a
-- code proves the authenticator has it), the last time step accepted (a code is never taken twice), and
-- single-use recovery codes, of which only a hash is kept.
ALTER TABLE accounts
  ADD COLUMN totp_secret_sealed text,
  ADD COLUMN totp_enabled_at timestamptz,
  ADD COLUMN totp_last_step bigint,
  ADD CONSTRAINT accounts_totp_enabled_has_secret
    CHECK (totp_enabled_at IS NULL OR totp_secret_sealed IS NOT NULL);

CREATE TABLE recovery_codes (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id  bigint NOT NULL REFERENCES accounts (id),
  code_hash   bytea NOT NULL CHECK (length(code_hash) = 32),
  created_at  timestamptz NOT NULL DEFAULT now(),
  used_at     timestamptz,
  UNIQUE (account_id, code_hash)
);
