-- When the reconciler last asked the gateway about a top-up: each run asks those asked longest ago
-- first, so more open top-ups than one run's batch are all asked about in turn.
ALTER TABLE topups ADD COLUMN rechecked_at timestamptz;
