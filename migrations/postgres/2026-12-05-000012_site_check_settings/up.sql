-- How a site is asked and what its answer must show (issue 13). JSON in the form a client
-- sends; NULL: the default (a GET, up on 2xx-3xx, never degraded).
ALTER TABLE websites ADD COLUMN request TEXT;
ALTER TABLE websites ADD COLUMN assertions TEXT;
ALTER TABLE websites ADD COLUMN degraded_above_ms INTEGER;
