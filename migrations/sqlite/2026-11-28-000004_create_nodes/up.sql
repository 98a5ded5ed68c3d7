-- Every lookout process that ran against this database, with its last heartbeat.
CREATE TABLE nodes (
    id             TEXT      PRIMARY KEY,
    region         TEXT      NOT NULL,
    version        TEXT      NOT NULL,
    started_at     TIMESTAMP NOT NULL,
    last_heartbeat TIMESTAMP NOT NULL
);

-- Which node made each check (NULL for checks made before nodes were recorded).
ALTER TABLE monitor_checks ADD COLUMN node_id TEXT;
