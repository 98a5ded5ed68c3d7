-- Alerting (issue 12): channels, site policies, alert state, incidents, the outbox.
-- Timestamps are UTC.

-- Where events go. `config` is the channel's JSON configuration, secrets included (the API
-- never returns them). `last_message_at`: the last message sent (events within
-- alerts.group_wait_secs of it wait and go out together); `window_started_at` and
-- `window_messages`: the messages of the current hour (alerts.rate_limit_per_hour).
CREATE TABLE channels (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT    NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('webhook', 'slack', 'email', 'template')),
    config          TEXT    NOT NULL,
    is_default      BOOLEAN NOT NULL DEFAULT 0,
    last_message_at TIMESTAMP,
    window_started_at TIMESTAMP,
    window_messages INTEGER NOT NULL DEFAULT 0,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);

-- A site's own alert settings (NULL: the default from config). `channels_set`: the policy
-- names its channels (possibly none); otherwise the default channels apply.
CREATE TABLE alert_policies (
    website_id          BIGINT  PRIMARY KEY REFERENCES websites (id) ON DELETE CASCADE,
    failure_threshold   INTEGER CHECK (failure_threshold > 0),
    success_threshold   INTEGER CHECK (success_threshold > 0),
    confirm_after_secs  BIGINT  CHECK (confirm_after_secs > 0),
    reminder_every_secs BIGINT  CHECK (reminder_every_secs >= 0),
    max_reminders       INTEGER CHECK (max_reminders >= 0),
    channels_set        BOOLEAN NOT NULL
);

-- The channels a policy names: `escalate_after_secs` 0 for its own channels, else the delay
-- of the escalation step. A channel in use cannot be deleted (no cascade).
CREATE TABLE alert_policy_channels (
    website_id          BIGINT NOT NULL REFERENCES alert_policies (website_id) ON DELETE CASCADE,
    channel_id          BIGINT NOT NULL REFERENCES channels (id),
    escalate_after_secs BIGINT NOT NULL DEFAULT 0 CHECK (escalate_after_secs >= 0),
    PRIMARY KEY (website_id, escalate_after_secs, channel_id)
);
CREATE INDEX alert_policy_channels_channel ON alert_policy_channels (channel_id);

-- A site's alert state between checks; no row = up, no incident open, not flapping.
-- `flapping_since`: the site's incidents opened more than alerts.flap_transitions times in
-- alerts.flap_window_secs; its events are held until it has been stable for a window.
CREATE TABLE alert_states (
    website_id     BIGINT  PRIMARY KEY REFERENCES websites (id) ON DELETE CASCADE,
    failures       INTEGER NOT NULL,
    successes      INTEGER NOT NULL,
    incident_id    BIGINT,
    flapping_since TIMESTAMP
);

-- One per outage as the site's policy sees it. `first_check`: JSON of the check that opened it.
CREATE TABLE incidents (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    website_id       BIGINT  NOT NULL REFERENCES websites (id) ON DELETE CASCADE,
    opened_at        TIMESTAMP NOT NULL,
    resolved_at      TIMESTAMP,
    acknowledged_at  TIMESTAMP,
    reminders_sent   INTEGER NOT NULL DEFAULT 0,
    escalations_done INTEGER NOT NULL DEFAULT 0,
    first_check      TEXT,
    CHECK (resolved_at IS NULL OR resolved_at >= opened_at)
);
-- At most one open incident per site, on any number of nodes.
CREATE UNIQUE INDEX incidents_one_open_per_site ON incidents (website_id) WHERE resolved_at IS NULL;
CREATE INDEX incidents_website_opened ON incidents (website_id, opened_at);
CREATE INDEX incidents_opened ON incidents (opened_at);

-- The outbox: one row per event per channel. (channel_id, dedup_key) is unique, so each
-- event reaches each channel once, on any number of nodes. `payload`: the event's JSON.
CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    channel_id      BIGINT  NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    incident_id     BIGINT  REFERENCES incidents (id) ON DELETE CASCADE,
    website_id      BIGINT  REFERENCES websites (id) ON DELETE CASCADE,
    event           TEXT    NOT NULL,
    dedup_key       TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'failed', 'delivered', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    created_at      TIMESTAMP NOT NULL,
    next_attempt_at TIMESTAMP,
    delivered_at    TIMESTAMP,
    lease_owner     TEXT,
    lease_until     TIMESTAMP,
    UNIQUE (channel_id, dedup_key)
);
-- "What is due": only waiting rows are in the index.
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status IN ('pending', 'failed');
CREATE INDEX deliveries_incident ON deliveries (incident_id);
CREATE INDEX deliveries_status_created ON deliveries (status, created_at);

-- Every attempt at a delivery.
CREATE TABLE delivery_attempts (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id  BIGINT  NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    attempted_at TIMESTAMP NOT NULL,
    duration_ms  BIGINT  NOT NULL,
    outcome      TEXT    NOT NULL CHECK (outcome IN ('delivered', 'retry', 'rejected')),
    status_code  INTEGER,
    error        TEXT
);
CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id);
