-- Monitoring as code (issue 16): channels, maintenance windows and status pages a document
-- manages carry its owner ('file:<name>') and their key in it, as websites do; NULL for items
-- made through the API.
ALTER TABLE channels ADD COLUMN managed_by TEXT;
ALTER TABLE channels ADD COLUMN managed_key TEXT;
CREATE UNIQUE INDEX channels_managed_key ON channels (managed_by, managed_key);
ALTER TABLE maintenance_windows ADD COLUMN managed_by TEXT;
ALTER TABLE maintenance_windows ADD COLUMN managed_key TEXT;
CREATE UNIQUE INDEX maintenance_windows_managed_key ON maintenance_windows (managed_by, managed_key);
ALTER TABLE status_pages ADD COLUMN managed_by TEXT;
ALTER TABLE status_pages ADD COLUMN managed_key TEXT;
CREATE UNIQUE INDEX status_pages_managed_key ON status_pages (managed_by, managed_key);
