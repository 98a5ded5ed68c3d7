-- Maintenance windows (issue 12, item 6). A one-off window has starts_at/ends_at; a recurring
-- one a cron `schedule` (five fields, in `timezone`), `duration_secs` per occurrence and
-- optional `from_at`/`until_at` bounds on its starts. `all_websites`: it covers every site,
-- else the sites in maintenance_websites. Timestamps are UTC.
CREATE TABLE maintenance_windows (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT    NOT NULL,
    mode          TEXT    NOT NULL CHECK (mode IN ('silence', 'pause')),
    all_websites  BOOLEAN NOT NULL,
    starts_at     TIMESTAMP,
    ends_at       TIMESTAMP,
    schedule      TEXT,
    duration_secs BIGINT CHECK (duration_secs > 0),
    timezone      TEXT,
    from_at       TIMESTAMP,
    until_at      TIMESTAMP,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    CHECK ((starts_at IS NOT NULL AND ends_at > starts_at AND schedule IS NULL)
        OR (schedule IS NOT NULL AND duration_secs IS NOT NULL AND timezone IS NOT NULL
            AND starts_at IS NULL))
);

CREATE TABLE maintenance_websites (
    maintenance_id BIGINT NOT NULL REFERENCES maintenance_windows (id) ON DELETE CASCADE,
    website_id     BIGINT NOT NULL REFERENCES websites (id) ON DELETE CASCADE,
    PRIMARY KEY (maintenance_id, website_id)
);
CREATE INDEX maintenance_websites_website ON maintenance_websites (website_id);

-- A check taken while a silencing window covered its site (it raised no alert).
ALTER TABLE monitor_checks ADD COLUMN in_maintenance BOOLEAN NOT NULL DEFAULT FALSE;
