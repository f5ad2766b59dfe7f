-- What the top-up reconciler found that it must not settle by itself, kept for operators until one of
-- them resolves it: a payment the gateway reports paid that names no known top-up ('unknown_payment'),
-- and a credited top-up the gateway no longer reports as paid ('credited_not_paid'). One row per
-- (gateway, payment, kind): a later sweep that sees it again only moves last_seen_at, and a resolved row
-- stays resolved (the operator dealt with that payment).
CREATE TABLE payment_mismatches (
  id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  gateway                text NOT NULL CHECK (gateway IN ('heleket', 'duitku', 'stripe')),
  gateway_payment_id     text NOT NULL,
  topup_id               bigint REFERENCES topups (id),
  kind                   text NOT NULL CHECK (kind IN ('unknown_payment', 'credited_not_paid')),
  detail                 text NOT NULL,
  first_seen_at          timestamptz NOT NULL DEFAULT now(),
  last_seen_at           timestamptz NOT NULL DEFAULT now(),
  seen_count             integer NOT NULL DEFAULT 1 CHECK (seen_count > 0),
  resolved_at            timestamptz,
  -- Who resolved it: 'account' (then resolved_by_account_id), 'cli' or 'system'.
  resolved_by            text CHECK (resolved_by IN ('account', 'cli', 'system')),
  resolved_by_account_id bigint REFERENCES accounts (id),
  note                   text,
  UNIQUE (gateway, gateway_payment_id, kind),
  CHECK ((resolved_at IS NULL) = (resolved_by IS NULL)),
  CHECK ((resolved_at IS NULL) = (note IS NULL)),
  CHECK ((resolved_by = 'account') = (resolved_by_account_id IS NOT NULL))
);
CREATE INDEX payment_mismatches_open_idx ON payment_mismatches (id DESC) WHERE resolved_at IS NULL;
CREATE INDEX payment_mismatches_resolved_idx ON payment_mismatches (id DESC) WHERE resolved_at IS NOT NULL;

-- An operator's decision on a top-up in review: credited with what the gateway says was paid, or
-- rejected (the top-up fails); the note says why. review_reason keeps what sent it to review.
ALTER TABLE topups ADD COLUMN review_decision text CHECK (review_decision IN ('credit', 'reject'));
ALTER TABLE topups ADD COLUMN review_note text;
ALTER TABLE topups ADD COLUMN reviewed_at timestamptz;
ALTER TABLE topups ADD CONSTRAINT topups_review_decided
  CHECK ((review_decision IS NULL) = (reviewed_at IS NULL) AND (review_decision IS NULL) = (review_note IS NULL));
CREATE INDEX topups_review_idx ON topups (id DESC) WHERE status = 'review';
