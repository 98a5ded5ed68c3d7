-- Core tables of lookout (SQLite). Timestamps are UTC, stored as ISO-8601 text by diesel.
CREATE TABLE websites (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    url            TEXT    NOT NULL UNIQUE,
    name           TEXT    NOT NULL,
    enabled        BOOLEAN NOT NULL DEFAULT 1,
    check_interval INTEGER NOT NULL DEFAULT 300 CHECK (check_interval > 0),
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);

CREATE TABLE monitor_checks (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    website_id    BIGINT  NOT NULL REFERENCES websites (id) ON DELETE CASCADE,
    timestamp     TIMESTAMP NOT NULL,
    status_code   INTEGER,
    response_time DOUBLE  NOT NULL,
    is_available  BOOLEAN NOT NULL,
    error_message TEXT
);

-- "This site's checks in a time range."
CREATE INDEX monitor_checks_website_timestamp ON monitor_checks (website_id, timestamp);

CREATE TABLE downtime_windows (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    website_id BIGINT NOT NULL REFERENCES websites (id) ON DELETE CASCADE,
    start_time TIMESTAMP NOT NULL,
    end_time   TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    CHECK (end_time IS NULL OR end_time >= start_time)
);

-- At most one open window per site, enforced by the database.
CREATE UNIQUE INDEX downtime_windows_one_open_per_site
    ON downtime_windows (website_id) WHERE end_time IS NULL;
CREATE INDEX downtime_windows_website_start ON downtime_windows (website_id, start_time);
