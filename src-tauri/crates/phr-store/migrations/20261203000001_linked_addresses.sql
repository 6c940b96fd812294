-- The other addresses ABDM listed on the mobile number or email a session
-- verified (the login's or sign-up's chooser): My ABHA offers to log into them.
-- They may be a family's, so they are not the person's addresses; they go when
-- the session goes.
CREATE TABLE linked_addresses (
    address  TEXT NOT NULL REFERENCES sessions (address) ON DELETE CASCADE,
    linked   TEXT NOT NULL,
    PRIMARY KEY (address, linked)
) STRICT;
