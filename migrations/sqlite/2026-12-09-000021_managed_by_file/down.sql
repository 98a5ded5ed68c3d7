DROP INDEX websites_managed_key;
ALTER TABLE websites DROP COLUMN managed_key;
ALTER TABLE websites DROP COLUMN managed_by;
