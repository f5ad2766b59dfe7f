-- Foundation: catalog, providers (minimal), accounts with API keys, and the two-phase ledger.

CREATE TABLE app_meta (
  key        text PRIMARY KEY,
  value      text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Catalog ---------------------------------------------------------------------------------------------

-- id is the SMS-Activate numeric country id, so the handler protocol needs no mapping.
CREATE TABLE countries (
  id        integer PRIMARY KEY CHECK (id >= 0),
  iso2      text CHECK (iso2 ~ '^[a-z]{2}$'),
  dial_code text NOT NULL CHECK (dial_code ~ '^[0-9]{1,4}$'),
  name      text NOT NULL,
  emoji     text,
  fivesim   text,
  active    boolean NOT NULL DEFAULT true
);

CREATE TABLE platforms (
  id           integer PRIMARY KEY CHECK (id > 0),
  code         text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9-]*$'),
  handler_code text NOT NULL UNIQUE,
  name         text NOT NULL,
  active       boolean NOT NULL DEFAULT true
);

CREATE TABLE operators (
  id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  country_id integer NOT NULL REFERENCES countries (id),
  code       text NOT NULL CHECK (code <> 'any'),
  name       text,
  local_name text,
  UNIQUE (country_id, code)
);

-- The stable country × platform umbrella that routed orders name.
CREATE TABLE catalog_products (
  id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  country_id  integer NOT NULL REFERENCES countries (id),
  platform_id integer NOT NULL REFERENCES platforms (id),
  active      boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (country_id, platform_id)
);
CREATE INDEX catalog_products_platform_idx ON catalog_products (platform_id);

-- Providers -------------------------------------------------------------------------------------------

CREATE TABLE providers (
  id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code       text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9_-]*$'),
  kind       text NOT NULL,
  name       text NOT NULL,
  enabled    boolean NOT NULL DEFAULT true,
  priority   integer NOT NULL DEFAULT 100,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- A tier slot: provider × catalog product × operator. Price and stock change in place; a slot is never
-- repointed to another coordinate.
CREATE TABLE products (
  id                 integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  provider_id        integer NOT NULL REFERENCES providers (id),
  catalog_product_id integer NOT NULL REFERENCES catalog_products (id),
  operator_id        integer REFERENCES operators (id),
  price              bigint NOT NULL CHECK (price >= 0),
  available          integer NOT NULL DEFAULT 0 CHECK (available >= 0),
  active             boolean NOT NULL DEFAULT true,
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX products_slot_key
  ON products (provider_id, catalog_product_id, coalesce(operator_id, 0));
CREATE INDEX products_catalog_product_idx ON products (catalog_product_id) WHERE active AND available > 0;

-- Accounts --------------------------------------------------------------------------------------------

CREATE TABLE accounts (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email         text NOT NULL CHECK (email = lower(email) AND email LIKE '%_@_%'),
  password_hash text,
  role          text NOT NULL DEFAULT 'customer' CHECK (role IN ('customer', 'admin')),
  disabled_at   timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX accounts_email_key ON accounts (email);

-- Keys are shown once; only their SHA-256 is kept.
CREATE TABLE api_keys (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id   bigint NOT NULL REFERENCES accounts (id),
  key_hash     bytea NOT NULL UNIQUE CHECK (length(key_hash) = 32),
  key_prefix   text NOT NULL,
  name         text NOT NULL DEFAULT 'default',
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz
);
CREATE INDEX api_keys_account_idx ON api_keys (account_id);

-- Ledger (two-phase, integer IDR) ---------------------------------------------------------------------

-- Balance columns follow TigerBeetle's account model. Platform accounts (funding, revenue, provider
-- payables) do not keep running totals: every order would contend on their row. Their balances are
-- derived from transfers; wallets keep totals so a CHECK can refuse an overdraft.
CREATE TABLE ledger_accounts (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code            text NOT NULL UNIQUE,
  kind            text NOT NULL CHECK (kind IN ('wallet', 'platform')),
  account_id      bigint UNIQUE REFERENCES accounts (id),
  currency        text NOT NULL DEFAULT 'IDR' CHECK (currency = 'IDR'),
  debits_pending  bigint NOT NULL DEFAULT 0 CHECK (debits_pending >= 0),
  debits_posted   bigint NOT NULL DEFAULT 0 CHECK (debits_posted >= 0),
  credits_pending bigint NOT NULL DEFAULT 0 CHECK (credits_pending >= 0),
  credits_posted  bigint NOT NULL DEFAULT 0 CHECK (credits_posted >= 0),
  created_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'wallet') = (account_id IS NOT NULL)),
  -- A wallet can never spend more than was credited to it, holds included.
  CONSTRAINT wallet_not_overdrawn CHECK (kind <> 'wallet' OR debits_posted + debits_pending <= credits_posted)
);

INSERT INTO ledger_accounts (code, kind) VALUES
  ('platform:funding', 'platform'),
  ('platform:revenue', 'platform'),
  ('platform:provider_payable', 'platform');

-- Immutable. A pending transfer is resolved once, by a later post_pending or void_pending row.
CREATE TABLE transfers (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind              text NOT NULL CHECK (kind IN ('posted', 'pending', 'post_pending', 'void_pending')),
  debit_account_id  bigint NOT NULL REFERENCES ledger_accounts (id),
  credit_account_id bigint NOT NULL REFERENCES ledger_accounts (id),
  amount            bigint NOT NULL CHECK (amount > 0),
  pending_id        bigint REFERENCES transfers (id),
  code              text NOT NULL,
  external_id       text,
  memo              text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  CHECK (debit_account_id <> credit_account_id),
  CHECK ((kind IN ('post_pending', 'void_pending')) = (pending_id IS NOT NULL))
);
CREATE UNIQUE INDEX transfers_resolve_once ON transfers (pending_id) WHERE pending_id IS NOT NULL;
CREATE UNIQUE INDEX transfers_external_key ON transfers (code, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX transfers_debit_idx ON transfers (debit_account_id);
CREATE INDEX transfers_credit_idx ON transfers (credit_account_id);

CREATE FUNCTION transfers_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'transfers are immutable' USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER transfers_immutable BEFORE UPDATE OR DELETE ON transfers
  FOR EACH ROW EXECUTE FUNCTION transfers_are_immutable();
