-- The supply side: provider settings, FX rates, markup rules, offer tiers with costs, and order outcomes
-- that routing learns success rates from.

ALTER TABLE providers
  ADD CONSTRAINT providers_kind_check CHECK (kind IN ('handler', 'fivesim')),
  ADD COLUMN base_url        text NOT NULL DEFAULT '' CHECK (base_url = '' OR base_url ~ '^https?://'),
  -- AES-256-GCM under a key derived from NUMPOOL_SECRET; never returned by any API.
  ADD COLUMN credential_enc  text,
  ADD COLUMN currency        text NOT NULL DEFAULT 'USD' CHECK (currency IN ('USD', 'RUB', 'IDR')),
  ADD COLUMN timeout_ms      integer NOT NULL DEFAULT 10000 CHECK (timeout_ms BETWEEN 100 AND 120000),
  -- Adapter options, e.g. {"dialect":"json"} for a handler-protocol provider.
  ADD COLUMN settings        jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(settings) = 'object'),
  -- Registered by sandbox mode (the built-in simulator); real deployments leave it false.
  ADD COLUMN sandbox         boolean NOT NULL DEFAULT false,
  ADD COLUMN last_sync_at    timestamptz,
  ADD COLUMN last_sync_error text,
  ADD COLUMN updated_at      timestamptz NOT NULL DEFAULT now();

-- IDR per one unit of a currency. USD is the contract's display rate (/v2, handler API).
CREATE TABLE fx_rates (
  currency     text PRIMARY KEY CHECK (currency IN ('USD', 'RUB', 'IDR')),
  idr_per_unit numeric(18, 6) NOT NULL CHECK (idr_per_unit > 0),
  -- 'config' rates follow the environment at start; an operator's 'admin' rate is kept.
  source       text NOT NULL DEFAULT 'config' CHECK (source IN ('config', 'admin')),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
INSERT INTO fx_rates (currency, idr_per_unit) VALUES ('USD', 16000), ('RUB', 180), ('IDR', 1);

-- Selling price = ceil(cost_idr × multiplier) + add_idr, from the most specific matching rule:
-- platform, then country, then provider, then the global default.
CREATE TABLE markup_rules (
  id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  scope       text NOT NULL CHECK (scope IN ('global', 'provider', 'country', 'platform')),
  provider_id integer REFERENCES providers (id) ON DELETE CASCADE,
  country_id  integer REFERENCES countries (id),
  platform_id integer REFERENCES platforms (id),
  multiplier  numeric(8, 4) NOT NULL CHECK (multiplier >= 1 AND multiplier <= 100),
  add_idr     bigint NOT NULL DEFAULT 0 CHECK (add_idr >= 0),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CHECK ((scope = 'provider') = (provider_id IS NOT NULL)),
  CHECK ((scope = 'country') = (country_id IS NOT NULL)),
  CHECK ((scope = 'platform') = (platform_id IS NOT NULL))
);
CREATE UNIQUE INDEX markup_rules_scope_key
  ON markup_rules (scope, coalesce(provider_id, 0), coalesce(country_id, -1), coalesce(platform_id, 0));
INSERT INTO markup_rules (scope, multiplier) VALUES ('global', 1.30);

ALTER TABLE products
  ADD COLUMN cost          numeric(18, 6) NOT NULL DEFAULT 0 CHECK (cost >= 0),
  ADD COLUMN cost_currency text NOT NULL DEFAULT 'USD',
  ADD COLUMN cost_idr      bigint NOT NULL DEFAULT 0 CHECK (cost_idr >= 0),
  ADD COLUMN synced_at     timestamptz NOT NULL DEFAULT now();
CREATE INDEX products_provider_idx ON products (provider_id);

-- One row per finished order attempt at a provider: what routing's success rate and time-to-code use.
CREATE TABLE provider_outcomes (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  provider_id     integer NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
  country_id      integer NOT NULL,
  platform_id     integer NOT NULL,
  delivered       boolean NOT NULL,
  time_to_code_ms integer CHECK (time_to_code_ms >= 0),
  created_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (delivered OR time_to_code_ms IS NULL)
);
CREATE INDEX provider_outcomes_window_idx
  ON provider_outcomes (provider_id, country_id, platform_id, created_at DESC);
