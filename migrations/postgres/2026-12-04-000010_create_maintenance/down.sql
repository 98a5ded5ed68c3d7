ALTER TABLE monitor_checks DROP COLUMN in_maintenance;
DROP TABLE maintenance_websites;
DROP TABLE maintenance_windows;
