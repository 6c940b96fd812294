-- When the front desk last verified the person through the ABDM gateway (the
-- consent manager confirmed who they are); NULL when never verified here.
ALTER TABLE people ADD COLUMN verified_at INTEGER;
