ALTER TABLE check_rollups DROP COLUMN degraded_count;
ALTER TABLE monitor_checks DROP COLUMN transfer_us;
ALTER TABLE monitor_checks DROP COLUMN ttfb_us;
ALTER TABLE monitor_checks DROP COLUMN tls_us;
ALTER TABLE monitor_checks DROP COLUMN connect_us;
ALTER TABLE monitor_checks DROP COLUMN dns_us;
ALTER TABLE monitor_checks DROP COLUMN failed_assertion;
ALTER TABLE monitor_checks DROP COLUMN degraded;
