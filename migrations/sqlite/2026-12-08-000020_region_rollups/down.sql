-- Back to one row per site, grain and bucket: only the '' region's rows are kept (the other
-- regions' sums are lost; the figures of buckets rolled up per region are then short).
CREATE TABLE check_rollups_one_region (
    website_id         BIGINT    NOT NULL REFERENCES websites (id) ON DELETE CASCADE,
    grain              INTEGER   NOT NULL CHECK (grain IN (3600, 86400)),
    bucket_start       TIMESTAMP NOT NULL,
    check_count        BIGINT    NOT NULL,
    available_count    BIGINT    NOT NULL,
    responded_count    BIGINT    NOT NULL,
    response_sum_us    BIGINT    NOT NULL,
    response_min_us    BIGINT    NOT NULL,
    response_max_us    BIGINT    NOT NULL,
    response_histogram TEXT      NOT NULL,
    degraded_count     BIGINT    NOT NULL DEFAULT 0,
    PRIMARY KEY (website_id, grain, bucket_start)
) WITHOUT ROWID;
INSERT INTO check_rollups_one_region (website_id, grain, bucket_start, check_count,
    available_count, responded_count, response_sum_us, response_min_us, response_max_us,
    response_histogram, degraded_count)
SELECT website_id, grain, bucket_start, check_count, available_count, responded_count,
    response_sum_us, response_min_us, response_max_us, response_histogram, degraded_count
FROM check_rollups WHERE region = '';
DROP TABLE check_rollups;
ALTER TABLE check_rollups_one_region RENAME TO check_rollups;
