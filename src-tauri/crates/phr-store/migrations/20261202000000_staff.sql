-- The front desk's staff: who did what (the audit names the member of staff
-- beside the patient), and who is signed in at the desk now (one row at most;
-- their tokens are in the OS keyring, their email is kept masked).
ALTER TABLE audit ADD COLUMN staff_id TEXT;
ALTER TABLE audit ADD COLUMN staff_name TEXT;
CREATE INDEX audit_by_time ON audit (at);
CREATE INDEX audit_by_staff ON audit (staff_id, at);

CREATE TABLE desk_staff (
    one           INTEGER PRIMARY KEY CHECK (one = 1),
    staff_id      TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    email_masked  TEXT,
    clinic        TEXT,
    way           TEXT    NOT NULL CHECK (way IN ('auth-platform', 'oidc')),
    signed_in_at  INTEGER NOT NULL
) STRICT;

-- Entries are kept for at least a year (India's DPDP Rules, rule 6): one may
-- go only once it is more than 366 days older than the newest entry.
DROP TRIGGER audit_is_append_only_delete;
CREATE TRIGGER audit_kept_a_year BEFORE DELETE ON audit
WHEN OLD.at > (SELECT max(at) FROM audit) - 31622400
BEGIN
    SELECT RAISE (ABORT, 'audit entries are kept for at least a year');
END;
