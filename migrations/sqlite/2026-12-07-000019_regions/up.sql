-- Checks from several regions with a quorum (issue 15). On SQLite one node checks, from its
-- one region: the columns are the same as on PostgreSQL so that one schema serves both.
ALTER TABLE websites ADD COLUMN regions TEXT;
ALTER TABLE websites ADD COLUMN quorum TEXT;
ALTER TABLE monitor_checks ADD COLUMN region TEXT;

CREATE TABLE region_verdicts (
    website_id BIGINT    NOT NULL REFERENCES websites (id) ON DELETE CASCADE,
    region     TEXT      NOT NULL,
    verdict    SMALLINT  NOT NULL,
    checked_at TIMESTAMP NOT NULL,
    PRIMARY KEY (website_id, region)
);
