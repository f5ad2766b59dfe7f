-- Sign-in with an OpenID Connect provider: which provider identity (issuer, subject) belongs to which
-- account. The subject is the provider's stable id; the e-mail is kept only as it was at the last sign-in.
CREATE TABLE oidc_identities (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id     bigint NOT NULL REFERENCES accounts (id),
  issuer         text NOT NULL,
  subject        text NOT NULL CHECK (length(subject) BETWEEN 1 AND 255),
  email          text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  last_login_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (issuer, subject)
);
CREATE INDEX oidc_identities_account_idx ON oidc_identities (account_id);
