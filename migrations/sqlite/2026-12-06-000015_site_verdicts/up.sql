-- Each site's latest verdict, kept by the check writer when it changes (issue 13): NULL never
-- checked, 0 up, 1 degraded, 2 failed. It lets the `lookout_sites` gauges (and the overview)
-- count sites by state without reading every site's latest check.
ALTER TABLE websites ADD COLUMN verdict SMALLINT;
UPDATE websites SET verdict = (
    SELECT CASE WHEN NOT c.is_available THEN 2 WHEN c.degraded THEN 1 ELSE 0 END
    FROM monitor_checks c
    WHERE c.website_id = websites.id
    ORDER BY c.timestamp DESC
    LIMIT 1
);
