DROP INDEX status_pages_managed_key;
ALTER TABLE status_pages DROP COLUMN managed_key;
ALTER TABLE status_pages DROP COLUMN managed_by;
DROP INDEX maintenance_windows_managed_key;
ALTER TABLE maintenance_windows DROP COLUMN managed_key;
ALTER TABLE maintenance_windows DROP COLUMN managed_by;
DROP INDEX channels_managed_key;
ALTER TABLE channels DROP COLUMN managed_key;
ALTER TABLE channels DROP COLUMN managed_by;
