-- Checks from several regions with a quorum (issue 15).
-- A site's chosen regions (a JSON array of names; NULL: any region) and its quorum
-- ('majority', 'all', 'any' or a number; NULL: majority).
ALTER TABLE websites ADD COLUMN regions TEXT;
ALTER TABLE websites ADD COLUMN quorum TEXT;

-- The region of the node that made each check (NULL: a node with no region label).
ALTER TABLE monitor_checks ADD COLUMN region TEXT;

-- Each region's latest verdict on each site that chose regions (0 up, 1 degraded, 2 failed),
-- kept by the check writer; the site's state is the vote over the fresh ones.
CREATE TABLE region_verdicts (
    website_id BIGINT    NOT NULL REFERENCES websites (id) ON DELETE CASCADE,
    region     TEXT      NOT NULL,
    verdict    SMALLINT  NOT NULL,
    checked_at TIMESTAMP NOT NULL,
    PRIMARY KEY (website_id, region)
);

-- The shared schedule keeps one row per site and region: '' for a site checked from any
-- region (claimed by any node), else one row per chosen region (claimed by that region's
-- nodes only).
ALTER TABLE check_schedule ADD COLUMN region TEXT NOT NULL DEFAULT '';
ALTER TABLE check_schedule DROP CONSTRAINT check_schedule_pkey;
ALTER TABLE check_schedule ADD PRIMARY KEY (website_id, region);
DROP INDEX check_schedule_next_due;
CREATE INDEX check_schedule_region_next_due ON check_schedule (region, next_due_at);
