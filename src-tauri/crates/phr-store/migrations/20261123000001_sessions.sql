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

-- Tokens, only on a machine without a usable OS keyring: the whole file is then
-- encrypted with a key derived from the person's passphrase (Argon2id), so they
-- are never on disk in the clear. With a keyring this table stays empty.
CREATE TABLE sealed_secrets (
    kind     TEXT NOT NULL,
    account  TEXT NOT NULL,
    secret   TEXT NOT NULL,
    PRIMARY KEY (kind, account)
) STRICT;
