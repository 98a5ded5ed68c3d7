-- lookout_ensure_check_partitions (000007) moved a day's rows out of the DEFAULT partition and
-- then created the day's partition; a check of that day inserted in between (by any node) went
-- into DEFAULT too, and CREATE TABLE ... PARTITION OF then failed with "updated partition
-- constraint for default partition would be violated". The function now takes the table's
-- ACCESS EXCLUSIVE lock (which the CREATE takes anyway) before it moves rows, so inserts wait
-- for the few milliseconds the move and the CREATE take, and land in the new partition.
CREATE OR REPLACE FUNCTION lookout_ensure_check_partitions(from_day date, to_day date)
RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    day date := from_day;
    created integer := 0;
    name text;
BEGIN
    PERFORM pg_advisory_xact_lock(7406150916);
    WHILE day <= to_day LOOP
        name := 'monitor_checks_p' || to_char(day, 'YYYYMMDD');
        IF to_regclass(name) IS NULL THEN
            LOCK TABLE monitor_checks IN ACCESS EXCLUSIVE MODE;
            -- Dynamic SQL throughout: the temporary table is new on every turn.
            EXECUTE format(
                'CREATE TEMP TABLE lookout_moving AS WITH moved AS ('
                '  DELETE FROM monitor_checks_default WHERE timestamp >= %L AND timestamp < %L'
                '  RETURNING *) SELECT * FROM moved',
                day::timestamp, (day + 1)::timestamp);
            EXECUTE format(
                'CREATE TABLE %I PARTITION OF monitor_checks FOR VALUES FROM (%L) TO (%L)',
                name, day::timestamp, (day + 1)::timestamp);
            EXECUTE 'INSERT INTO monitor_checks SELECT * FROM lookout_moving';
            EXECUTE 'DROP TABLE lookout_moving';
            created := created + 1;
        END IF;
        day := day + 1;
    END LOOP;
    RETURN created;
END $$;
