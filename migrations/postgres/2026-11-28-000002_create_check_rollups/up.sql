-- Checks summed per site and bucket: `grain` is the bucket length in seconds (an hour or a
-- day). Response times are whole microseconds; the histogram is "bucket:count" pairs of
-- lookout's fixed log-linear response-time buckets (see the domain's aggregate.rs).
CREATE TABLE check_rollups (
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
    PRIMARY KEY (website_id, grain, bucket_start)
);

-- Every bucket of `grain` starting before `rolled_through` has been rolled up.
CREATE TABLE rollup_marks (
    grain          INTEGER   PRIMARY KEY,
    rolled_through TIMESTAMP NOT NULL
);
