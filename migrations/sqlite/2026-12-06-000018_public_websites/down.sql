ALTER TABLE websites DROP COLUMN public;
