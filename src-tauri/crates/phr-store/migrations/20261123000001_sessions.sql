-- Addresses signed in on this machine and the one in use. The tokens themselves
-- are in the OS keyring under the address; this says which entries to look for
-- and until when they are good.
CREATE TABLE sessions (
    address       TEXT    PRIMARY KEY NOT NULL REFERENCES addresses (address) ON DELETE CASCADE,
    signed_in_at  INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    active        INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
    -- How many addresses ABDM listed on the person's mobile when they last
    -- verified it (ABDM allows 4); unknown after an email or ABHA-number login.
    mobile_addresses  INTEGER
) STRICT;

CREATE UNIQUE INDEX sessions_one_active ON sessions (active) WHERE active = 1;
