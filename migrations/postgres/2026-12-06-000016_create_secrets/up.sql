-- Secrets lookout makes for itself and every node must share (issue 14: the key that signs
-- the web pages' session cookies when web.session_key is not configured).
CREATE TABLE secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
