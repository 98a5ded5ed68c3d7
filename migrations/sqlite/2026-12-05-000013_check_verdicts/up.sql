-- What the judge made of a check (issue 13): available but not well, and which assertion
-- failed with what was seen; and where an answer's time went, in microseconds (NULL: the
-- phase did not happen, or the check got no answer).
ALTER TABLE monitor_checks ADD COLUMN degraded BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE monitor_checks ADD COLUMN failed_assertion TEXT;
ALTER TABLE monitor_checks ADD COLUMN dns_us INTEGER;
ALTER TABLE monitor_checks ADD COLUMN connect_us INTEGER;
ALTER TABLE monitor_checks ADD COLUMN tls_us INTEGER;
ALTER TABLE monitor_checks ADD COLUMN ttfb_us INTEGER;
ALTER TABLE monitor_checks ADD COLUMN transfer_us INTEGER;
-- Roll-ups count the degraded checks too (for /stats).
ALTER TABLE check_rollups ADD COLUMN degraded_count BIGINT NOT NULL DEFAULT 0;
