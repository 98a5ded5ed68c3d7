use std::time::Duration;

use time::OffsetDateTime;
use time::macros::datetime;

use super::*;
use crate::maintenance::{
    CronSchedule, MaintenanceId, MaintenanceSpec, MaintenanceTiming, Recurrence, Zone,
};

fn site(id: i64) -> WebsiteId {
    WebsiteId::new(id).unwrap()
}

fn window(
    id: i64,
    scope: MaintenanceScope,
    mode: MaintenanceMode,
    timing: MaintenanceTiming,
) -> MaintenanceWindow {
    let at = datetime!(2026-12-01 00:00 UTC);
    MaintenanceWindow {
        id: MaintenanceId::new(id).unwrap(),
        spec: MaintenanceSpec { name: format!("w{id}"), scope, mode, timing },
        managed: None,
        created_at: at,
        updated_at: at,
    }
}

fn once(start: OffsetDateTime, end: OffsetDateTime) -> MaintenanceTiming {
    MaintenanceTiming::Once { starts_at: start, ends_at: end }
}

#[test]
fn pause_beats_silence_and_scopes_apply() {
    let windows = [
        window(
            1,
            MaintenanceScope::All,
            MaintenanceMode::Silence,
            once(datetime!(2026-12-05 02:00 UTC), datetime!(2026-12-05 04:00 UTC)),
        ),
        window(
            2,
            MaintenanceScope::Websites(vec![site(7)]),
            MaintenanceMode::Pause,
            once(datetime!(2026-12-05 03:00 UTC), datetime!(2026-12-05 05:00 UTC)),
        ),
    ];
    let calendar = MaintenanceCalendar::build(
        &windows,
        datetime!(2026-12-05 00:00 UTC),
        datetime!(2026-12-06 00:00 UTC),
    );
    assert_eq!(calendar.mode_at(site(1), datetime!(2026-12-05 01:59:59 UTC)), None);
    assert_eq!(
        calendar.mode_at(site(1), datetime!(2026-12-05 02:00 UTC)),
        Some(MaintenanceMode::Silence)
    );
    assert_eq!(
        calendar.mode_at(site(7), datetime!(2026-12-05 03:30 UTC)),
        Some(MaintenanceMode::Pause)
    );
    assert_eq!(
        calendar.mode_at(site(7), datetime!(2026-12-05 04:30 UTC)),
        Some(MaintenanceMode::Pause)
    );
    assert_eq!(
        calendar.mode_at(site(1), datetime!(2026-12-05 04:30 UTC)),
        None,
        "the end is not in it"
    );
    // Site 7's time in maintenance: 02:00–05:00, the two windows merged.
    let spans = calendar.spans_of(
        site(7),
        datetime!(2026-12-05 00:00 UTC),
        datetime!(2026-12-06 00:00 UTC),
    );
    assert_eq!(
        spans,
        [Span { start: datetime!(2026-12-05 02:00 UTC), end: datetime!(2026-12-05 05:00 UTC) }]
    );
}

#[test]
fn a_recurring_window_is_laid_out_in_its_time_zone_and_clipped_to_the_range() {
    let rule = Recurrence {
        schedule: CronSchedule::parse("0 23 * * *").unwrap(),
        duration: Duration::from_secs(2 * 3600),
        timezone: Zone::get("Europe/Berlin").unwrap(),
        from: None,
        until: Some(datetime!(2026-12-06 00:00 UTC)),
    };
    let windows = [window(
        1,
        MaintenanceScope::All,
        MaintenanceMode::Silence,
        MaintenanceTiming::Recurring(rule),
    )];
    // 23:00 Berlin is 22:00 UTC in winter; the occurrence begun the evening before overlaps.
    let calendar = MaintenanceCalendar::build(
        &windows,
        datetime!(2026-12-04 23:00 UTC),
        datetime!(2026-12-07 00:00 UTC),
    );
    let spans = calendar.spans_of(
        site(1),
        datetime!(2026-12-04 23:00 UTC),
        datetime!(2026-12-07 00:00 UTC),
    );
    assert_eq!(
        spans,
        [
            Span { start: datetime!(2026-12-04 23:00 UTC), end: datetime!(2026-12-05 00:00 UTC) },
            Span { start: datetime!(2026-12-05 22:00 UTC), end: datetime!(2026-12-06 00:00 UTC) },
        ],
        "none starts at or after `until`"
    );
    assert!(calendar.covers(datetime!(2026-12-05 00:00 UTC)));
    assert!(!calendar.covers(datetime!(2026-12-07 00:00 UTC)));
}

#[test]
fn overlap_counts_only_the_shared_time() {
    let mut spans = vec![
        Span { start: datetime!(2026-12-05 03:00 UTC), end: datetime!(2026-12-05 04:00 UTC) },
        Span { start: datetime!(2026-12-05 01:00 UTC), end: datetime!(2026-12-05 02:00 UTC) },
        Span { start: datetime!(2026-12-05 01:30 UTC), end: datetime!(2026-12-05 02:30 UTC) },
    ];
    merge(&mut spans);
    assert_eq!(spans.len(), 2);
    let day = Span { start: datetime!(2026-12-05 02:00 UTC), end: datetime!(2026-12-05 03:30 UTC) };
    assert_eq!(overlap(&spans, day), time::Duration::minutes(60));
}
