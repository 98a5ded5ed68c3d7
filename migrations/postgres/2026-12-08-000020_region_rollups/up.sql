-- Roll-ups per region (issue 15): a region's statistics (/stats?region=) outlive raw checks.
-- One row per site, grain, bucket and region; '' is the region of checks made by nodes with
-- no region label. Rows rolled up before this migration summed every region: they keep ''.
ALTER TABLE check_rollups ADD COLUMN region TEXT NOT NULL DEFAULT '';
-- Checks made while a silencing maintenance window covered the site, and the available ones
-- among them: a region's uptime is the share of its other checks that were available.
ALTER TABLE check_rollups ADD COLUMN maintenance_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE check_rollups ADD COLUMN maintenance_available_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE check_rollups DROP CONSTRAINT check_rollups_pkey;
ALTER TABLE check_rollups ADD PRIMARY KEY (website_id, grain, bucket_start, region);
