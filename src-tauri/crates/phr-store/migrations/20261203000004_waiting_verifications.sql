-- Front-desk verifications started while the network or ABDM was down: what
-- the operator gave (the address, the purpose, and the name, gender and date of
-- birth a scanned ABHA QR held), sent on its own when the connection returns.
-- Never an OTP, a mobile or an ABHA number.
CREATE TABLE waiting_verifications (
    id             TEXT    PRIMARY KEY NOT NULL,
    address        TEXT    NOT NULL,
    purpose        TEXT    NOT NULL,
    full_name      TEXT,
    gender         TEXT,
    date_of_birth  TEXT,
    queued_at      INTEGER NOT NULL
) STRICT;
