-- A refusal counts the recent refusals of its own gateway (burst detection): by gateway, newest first,
-- so a flood at one gateway does not make every other gateway's count scan it.
CREATE INDEX rejected_payment_notifications_gateway_idx
  ON rejected_payment_notifications (gateway, received_at DESC);
