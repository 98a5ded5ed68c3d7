-- Monitoring as code (issue 16): a site a document manages carries its owner ('file:<name>')
-- and its key in that document; NULL for sites made through the API or the pages.
ALTER TABLE websites ADD COLUMN managed_by TEXT;
ALTER TABLE websites ADD COLUMN managed_key TEXT;
CREATE UNIQUE INDEX websites_managed_key ON websites (managed_by, managed_key);
