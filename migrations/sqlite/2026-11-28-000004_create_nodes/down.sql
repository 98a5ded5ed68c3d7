ALTER TABLE monitor_checks DROP COLUMN node_id;
DROP TABLE nodes;
