-- API tokens (SQLite): only the SHA-256 of each token is kept, as 64 lower-case hex digits.
CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT,
    scope      TEXT      NOT NULL CHECK (scope IN ('read', 'write')),
    token_hash TEXT      NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
