DROP TABLE downtime_windows;
DROP TABLE monitor_checks;
DROP TABLE websites;
