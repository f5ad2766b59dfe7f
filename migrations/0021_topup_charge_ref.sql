-- The gateway's id of the charge behind a credited top-up (Stripe: the session's payment intent). Refunds
-- and disputes name the charge, not the payment, so this is how they find their top-up.
ALTER TABLE topups ADD COLUMN gateway_charge_ref text;
CREATE UNIQUE INDEX topups_gateway_charge_ref_key ON topups (gateway, gateway_charge_ref)
  WHERE gateway_charge_ref IS NOT NULL;
