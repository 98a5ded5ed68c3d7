DROP TABLE check_schedule;
