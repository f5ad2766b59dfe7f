-- When a provider last pushed an SMS. A provider that pushes is polled only now and then, as a safety net
-- for a lost push, instead of every two seconds: each poll lists all of its open activations.
ALTER TABLE providers ADD COLUMN last_push_at timestamptz;
