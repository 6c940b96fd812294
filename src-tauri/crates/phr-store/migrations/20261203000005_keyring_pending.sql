-- A secret written here first and into the OS keyring in the background, so a
-- sign-in does not wait on the keyring's D-Bus round trips and nothing is lost if
-- the app dies before the keyring has it. Sealed with AES-256-GCM under a key
-- derived from the database key; the row goes once the keyring holds the secret.
CREATE TABLE keyring_pending (
    kind    TEXT NOT NULL,
    account TEXT NOT NULL,
    -- 12-byte nonce, then the ciphertext and its tag.
    sealed  BLOB NOT NULL,
    PRIMARY KEY (kind, account)
) STRICT;
