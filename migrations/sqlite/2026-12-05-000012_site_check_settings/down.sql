ALTER TABLE websites DROP COLUMN degraded_above_ms;
ALTER TABLE websites DROP COLUMN assertions;
ALTER TABLE websites DROP COLUMN request;
