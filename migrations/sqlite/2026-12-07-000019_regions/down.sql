DROP TABLE region_verdicts;
ALTER TABLE monitor_checks DROP COLUMN region;
ALTER TABLE websites DROP COLUMN quorum;
ALTER TABLE websites DROP COLUMN regions;
