-- Each HTTPS site's leaf certificate as last read by a check (issue 13): written with a
-- check when it changed, or at most an hour after it was last written.
CREATE TABLE certificates (
    website_id  BIGINT    PRIMARY KEY REFERENCES websites (id) ON DELETE CASCADE,
    subject     TEXT      NOT NULL,
    issuer      TEXT      NOT NULL,
    sans        TEXT      NOT NULL,
    not_before  TIMESTAMP NOT NULL,
    not_after   TIMESTAMP NOT NULL,
    checked_at  TIMESTAMP NOT NULL
);
