-- "Has this address agreed to ...?" is asked on every session read: look it up
-- by subject rather than scanning a log that grows for as long as the clinic runs.
CREATE INDEX audit_by_subject ON audit (subject, action);
