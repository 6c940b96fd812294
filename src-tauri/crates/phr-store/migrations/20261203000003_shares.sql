-- Profiles that patients shared by scanning a counter's QR (Scan and Share),
-- each with its token: numbered per counter per day (the clinic's day), kept
-- for the day. Numbers are masked; the match keys find a returning patient.
CREATE TABLE shares (
    id                  INTEGER PRIMARY KEY,
    day                 TEXT    NOT NULL,
    counter             TEXT    NOT NULL,
    number              INTEGER NOT NULL,
    address             TEXT    NOT NULL,
    full_name           TEXT    NOT NULL,
    gender              TEXT    NOT NULL CHECK (gender IN ('M', 'F', 'O')),
    year_of_birth       INTEGER NOT NULL,
    abha_number_masked  TEXT,
    mobile_masked       TEXT,
    abha_number_key     TEXT,
    mobile_key          TEXT,
    shared_at           INTEGER NOT NULL,
    state               TEXT    NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'registered', 'dismissed')),
    UNIQUE (day, counter, number)
) STRICT;

CREATE INDEX shares_by_day ON shares (day, state);
