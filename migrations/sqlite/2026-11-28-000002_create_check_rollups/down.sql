DROP TABLE rollup_marks;
DROP TABLE check_rollups;
