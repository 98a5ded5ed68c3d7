ALTER TABLE monitor_checks DROP COLUMN failed_assertion;
ALTER TABLE monitor_checks DROP COLUMN degraded;
