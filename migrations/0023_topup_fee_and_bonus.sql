-- The gateway fee charged on top-ups and the operator's loyalty bonus tiers (payments/topup-terms.ts).
--
-- A top-up snapshots both when it is created (like its exchange rate), so changing them later never
-- alters a top-up already started. At credit the deposit stays the full paid amount (credited_idr), then
-- a topup_fee moves fee_idr from the wallet to platform:topup_fees and a topup_bonus moves bonus_idr from
-- platform:topup_bonuses to the wallet. refunded_idr, disputed_idr and dispute_reversed_idr keep meaning
-- the IDR value of the payment the gateway took back (or returned); the customer's, the fee's and the
-- bonus's shares of them are derived from these figures (see topup-terms.ts), never stored twice.

-- Bonus tiers: a top-up paying at least min_idr gets percent of what it paid; the highest min wins.
-- No rows: no bonus.
CREATE TABLE topup_bonus_tiers (
  min_idr    bigint PRIMARY KEY CHECK (min_idr >= 0 AND min_idr <= 1000000000000),
  percent    numeric(5, 2) NOT NULL CHECK (percent > 0 AND percent <= 100),
  updated_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE topups
  ADD COLUMN fee_percent   numeric(6, 3) NOT NULL DEFAULT 0 CHECK (fee_percent >= 0 AND fee_percent < 100),
  -- [{"min_idr": 500000, "percent": "4.00"}, …] ascending by min_idr, as the tiers were at creation.
  ADD COLUMN bonus_tiers   jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(bonus_tiers) = 'array'),
  ADD COLUMN fee_idr       bigint NOT NULL DEFAULT 0 CHECK (fee_idr >= 0),
  -- The tier's percent applied at credit; NULL: no tier applied (or not credited yet).
  ADD COLUMN bonus_percent numeric(5, 2) CHECK (bonus_percent > 0 AND bonus_percent <= 100),
  ADD COLUMN bonus_idr     bigint NOT NULL DEFAULT 0 CHECK (bonus_idr >= 0),
  ADD CONSTRAINT topups_fee_within_credit CHECK (fee_idr <= coalesce(credited_idr, 0)),
  ADD CONSTRAINT topups_bonus_when_credited CHECK (credited_idr IS NOT NULL OR (bonus_idr = 0 AND bonus_percent IS NULL));

-- What customers paid as fees (revenue) and what bonuses cost (a promotions expense). Platform accounts
-- keep no running totals: their balances are sums over transfers.
INSERT INTO ledger_accounts (code, kind) VALUES
  ('platform:topup_fees', 'platform'),
  ('platform:topup_bonuses', 'platform');
