-- People known to this machine (one at home, many at a clinic front desk), their
-- ABHA addresses, flows in progress, and what was done to whom. Nothing secret:
-- tokens live in the OS keyring, numbers are stored masked.

CREATE TABLE people (
    id                  INTEGER PRIMARY KEY,
    full_name           TEXT    NOT NULL,
    gender              TEXT    NOT NULL CHECK (gender IN ('M', 'F', 'O')),
    year_of_birth       INTEGER NOT NULL,
    abha_number_masked  TEXT,
    mobile_masked       TEXT,
    email_masked        TEXT,
    kyc_verified        INTEGER NOT NULL DEFAULT 0 CHECK (kyc_verified IN (0, 1)),
    photo               BLOB,
    updated_at          INTEGER NOT NULL
) STRICT;

CREATE TABLE addresses (
    address     TEXT    PRIMARY KEY NOT NULL,
    person_id   INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    is_default  INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    added_at    INTEGER NOT NULL
) STRICT;

CREATE INDEX addresses_by_person ON addresses (person_id);

-- One row per person: names, addresses and masked numbers. Devanagari vowel
-- signs are category M; the default tokenizer would split words at them.
CREATE VIRTUAL TABLE people_search USING fts5 (
    text,
    tokenize = "unicode61 categories 'L* N* Co M*'"
);

CREATE TABLE flows (
    id          TEXT    PRIMARY KEY NOT NULL,
    kind        TEXT    NOT NULL,
    state       TEXT    NOT NULL,   -- JSON without secrets
    expires_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE audit (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    at       INTEGER NOT NULL,
    actor    TEXT    NOT NULL,
    action   TEXT    NOT NULL,
    subject  TEXT
) STRICT;

CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE (ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE (ABORT, 'the audit log is append-only');
END;
