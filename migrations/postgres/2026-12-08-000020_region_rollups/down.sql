-- Back to one row per site, grain and bucket: only the '' region's rows are kept (the other
-- regions' sums are lost; the figures of buckets rolled up per region are then short).
DELETE FROM check_rollups WHERE region <> '';
ALTER TABLE check_rollups DROP CONSTRAINT check_rollups_pkey;
ALTER TABLE check_rollups ADD PRIMARY KEY (website_id, grain, bucket_start);
ALTER TABLE check_rollups DROP COLUMN maintenance_available_count;
ALTER TABLE check_rollups DROP COLUMN maintenance_count;
ALTER TABLE check_rollups DROP COLUMN region;
