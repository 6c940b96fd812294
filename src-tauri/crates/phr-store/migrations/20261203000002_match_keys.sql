-- Keyed digests (HMAC-SHA256 with a key derived from the database key) of the
-- person's ABHA number and mobile, to find a returning patient again: the
-- numbers themselves are never stored, only masked for display.
ALTER TABLE people ADD COLUMN abha_number_key TEXT;
ALTER TABLE people ADD COLUMN mobile_key TEXT;
CREATE INDEX people_by_abha_number_key ON people (abha_number_key) WHERE abha_number_key IS NOT NULL;
CREATE INDEX people_by_mobile_key ON people (mobile_key) WHERE mobile_key IS NOT NULL;
