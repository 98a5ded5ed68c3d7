-- Roll-ups per region (issue 15): a region's statistics (/stats?region=) outlive raw checks.
-- One row per site, grain, bucket and region; '' is the region of checks made by nodes with
-- no region label. Rows rolled up before this migration summed every region: they keep ''.
-- maintenance_count: checks made while a silencing maintenance window covered the site, and
-- maintenance_available_count the available ones among them (a region's uptime is the share
-- of its other checks that were available). A key column changes: the table is rebuilt.
CREATE TABLE check_rollups_by_region (
    website_id                  BIGINT    NOT NULL REFERENCES websites (id) ON DELETE CASCADE,
    grain                       INTEGER   NOT NULL CHECK (grain IN (3600, 86400)),
    bucket_start                TIMESTAMP NOT NULL,
    region                      TEXT      NOT NULL DEFAULT '',
    check_count                 BIGINT    NOT NULL,
    available_count             BIGINT    NOT NULL,
    responded_count             BIGINT    NOT NULL,
    response_sum_us             BIGINT    NOT NULL,
    response_min_us             BIGINT    NOT NULL,
    response_max_us             BIGINT    NOT NULL,
    response_histogram          TEXT      NOT NULL,
    degraded_count              BIGINT    NOT NULL DEFAULT 0,
    maintenance_count           BIGINT    NOT NULL DEFAULT 0,
    maintenance_available_count BIGINT    NOT NULL DEFAULT 0,
    PRIMARY KEY (website_id, grain, bucket_start, region)
) WITHOUT ROWID;
INSERT INTO check_rollups_by_region (website_id, grain, bucket_start, check_count,
    available_count, responded_count, response_sum_us, response_min_us, response_max_us,
    response_histogram, degraded_count)
SELECT website_id, grain, bucket_start, check_count, available_count, responded_count,
    response_sum_us, response_min_us, response_max_us, response_histogram, degraded_count
FROM check_rollups;
DROP TABLE check_rollups;
ALTER TABLE check_rollups_by_region RENAME TO check_rollups;
