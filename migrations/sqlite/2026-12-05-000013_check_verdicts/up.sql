-- What the judge made of a check (issue 13): available but not well, and which assertion
-- failed with what was seen.
ALTER TABLE monitor_checks ADD COLUMN degraded BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE monitor_checks ADD COLUMN failed_assertion TEXT;
