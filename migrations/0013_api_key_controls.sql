-- API keys under the customer's control: what each key may do (scopes), where it may be used from (an
-- address allowlist), how much it may spend in a UTC day, and when and where it was last used.

ALTER TABLE api_keys
  ADD COLUMN scopes text[] NOT NULL DEFAULT '{read,orders,webhook,billing}'
    CONSTRAINT api_keys_scopes_valid
    CHECK (cardinality(scopes) > 0 AND scopes <@ '{read,orders,webhook,billing}'::text[]),
  -- NULL: any address. An empty list would lock the key out; it is refused like an empty scope list.
  ADD COLUMN ip_allowlist cidr[]
    CONSTRAINT api_keys_ip_allowlist_valid
    CHECK (ip_allowlist IS NULL OR (cardinality(ip_allowlist) BETWEEN 1 AND 32 AND array_position(ip_allowlist, NULL) IS NULL)),
  -- IDR; NULL: no limit.
  ADD COLUMN daily_spend_limit bigint CONSTRAINT api_keys_daily_spend_limit_positive CHECK (daily_spend_limit > 0),
  ADD COLUMN last_used_at timestamptz,
  ADD COLUMN last_used_ip inet,
  ADD CONSTRAINT api_keys_name_length CHECK (length(name) BETWEEN 1 AND 64);

CREATE INDEX api_keys_live_idx ON api_keys (account_id) WHERE revoked_at IS NULL;

-- The key an order was created with (NULL: a session, the CLI, or before keys were remembered). No
-- foreign key on purpose: its check would share-lock the key's row on every create, and concurrent creates
-- on one key would then contend on that row; keys are never deleted, only revoked.
ALTER TABLE orders ADD COLUMN api_key_id bigint;

-- What a key spent today: its orders since midnight UTC.
CREATE INDEX orders_api_key_day_idx ON orders (api_key_id, created_at) WHERE api_key_id IS NOT NULL;
