use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::*;

fn ts(raw: &str) -> Timestamp {
    raw.parse().unwrap()
}

fn starts(expr: &str, tz: &str, from: &str, to: &str) -> Vec<String> {
    let tz = TimeZone::get(tz).unwrap();
    CronSchedule::parse(expr)
        .unwrap()
        .starts_between(&tz, ts(from), ts(to), 1000)
        .into_iter()
        .map(|t| t.to_string())
        .collect()
}

#[test]
fn parses_the_crontab_forms() {
    for ok in
        ["* * * * *", "0 2 * * sun", "*/15 9-17 * * 1-5", "5,35 */2 1,15 jan-jun *", "@weekly"]
    {
        assert!(CronSchedule::parse(ok).is_ok(), "{ok}");
    }
    for (bad, says) in [
        ("* * * *", "expected 5 fields"),
        ("60 * * * *", "minute field: 60 is outside 0-59"),
        ("0 24 * * *", "hour field"),
        ("0 0 0 * *", "day of month field"),
        ("0 0 * 13 *", "month field"),
        ("0 0 * * 8", "day of week field"),
        ("0 0 * * xyz", "not a number or a name"),
        ("*/0 * * * *", "step"),
        ("0 5-1 * * *", "runs backwards"),
        ("0 0 31 2 *", "never matches"),
        ("@often", "unknown macro"),
    ] {
        let error = CronSchedule::parse(bad).unwrap_err().to_string();
        assert!(error.contains(says), "{bad}: {error}");
    }
}

#[test]
fn sunday_is_0_and_7_and_either_day_field_matches_when_both_are_set() {
    // 2026-12-06 is a Sunday.
    let sundays = starts("0 3 * * 7", "UTC", "2026-12-01T00:00:00Z", "2026-12-14T00:00:00Z");
    assert_eq!(sundays, ["2026-12-06T03:00:00Z", "2026-12-13T03:00:00Z"]);
    let either = starts("0 3 1 * 0", "UTC", "2026-12-01T00:00:00Z", "2026-12-08T00:00:00Z");
    assert_eq!(either, ["2026-12-01T03:00:00Z", "2026-12-06T03:00:00Z"]);
}

#[test]
fn civil_times_follow_the_time_zone_across_dst() {
    // Berlin: CET (+01) in winter, CEST (+02) from 2026-03-29 02:00.
    let daily =
        starts("30 1 * * *", "Europe/Berlin", "2026-03-27T00:00:00Z", "2026-03-31T00:00:00Z");
    assert_eq!(
        daily,
        [
            "2026-03-27T00:30:00Z",
            "2026-03-28T00:30:00Z",
            "2026-03-29T00:30:00Z",
            "2026-03-29T23:30:00Z",
            "2026-03-30T23:30:00Z"
        ]
    );
}

#[test]
fn a_time_skipped_by_dst_starts_once_after_the_change() {
    // 02:30 does not exist in Berlin on 2026-03-29: it starts at 03:30 CEST (01:30 UTC).
    let skipped =
        starts("30 2 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z", "2026-03-30T12:00:00Z");
    assert_eq!(skipped, ["2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z"]);
}

#[test]
fn a_time_repeated_by_dst_starts_once() {
    // 02:30 happens twice in Berlin on 2026-10-25 (CEST, then CET): the first one only.
    let repeated =
        starts("30 2 * * *", "Europe/Berlin", "2026-10-24T12:00:00Z", "2026-10-26T12:00:00Z");
    assert_eq!(repeated, ["2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"]);
    let hourly =
        starts("0 * * * *", "Europe/Berlin", "2026-10-24T23:30:00Z", "2026-10-25T02:30:00Z");
    // 02:00 CEST (00:00Z), 03:00 CET (02:00Z); the repeated 02:00 CET (01:00Z) is not a new start.
    assert_eq!(hourly, ["2026-10-25T00:00:00Z", "2026-10-25T02:00:00Z"]);
}

#[test]
fn the_limit_bounds_the_work() {
    let tz = TimeZone::UTC;
    let every = CronSchedule::parse("* * * * *").unwrap();
    let found =
        every.starts_between(&tz, ts("2026-01-01T00:00:00Z"), ts("2027-01-01T00:00:00Z"), 10);
    assert_eq!(found.len(), 10);
}
