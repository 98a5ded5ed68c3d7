ALTER TABLE websites DROP COLUMN verdict;
