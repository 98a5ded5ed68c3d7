use time::macros::datetime;

use super::*;

fn once_draft() -> MaintenanceDraft {
    MaintenanceDraft {
        name: Some("db upgrade".into()),
        websites: Some(vec![3, 1, 3]),
        mode: Some("pause".into()),
        starts_at: Some(datetime!(2026-12-05 02:00 UTC)),
        ends_at: Some(datetime!(2026-12-05 04:00 UTC)),
        ..MaintenanceDraft::default()
    }
}

fn weekly_draft() -> MaintenanceDraft {
    MaintenanceDraft {
        name: Some("weekly".into()),
        all: Some(true),
        schedule: Some("0 2 * * sun".into()),
        duration_secs: Some(3600),
        timezone: Some("Europe/Berlin".into()),
        ..MaintenanceDraft::default()
    }
}

fn field(draft: MaintenanceDraft) -> &'static str {
    draft.parse().unwrap_err().field
}

#[test]
fn a_one_off_window_parses_with_its_sites_sorted() {
    let spec = once_draft().parse().unwrap();
    assert_eq!(spec.mode, MaintenanceMode::Pause);
    let ids = vec![WebsiteId::new(1).unwrap(), WebsiteId::new(3).unwrap()];
    assert_eq!(spec.scope, MaintenanceScope::Websites(ids));
    assert!(matches!(spec.timing, MaintenanceTiming::Once { .. }));
}

#[test]
fn a_recurring_window_parses_and_silence_is_the_default_mode() {
    let spec = weekly_draft().parse().unwrap();
    assert_eq!((spec.mode, spec.scope), (MaintenanceMode::Silence, MaintenanceScope::All));
    let MaintenanceTiming::Recurring(rule) = spec.timing else { panic!("recurring") };
    assert_eq!(rule.timezone.name(), "Europe/Berlin");
}

#[test]
fn each_bad_field_is_named() {
    assert_eq!(field(MaintenanceDraft { name: Some(" ".into()), ..once_draft() }), "name");
    assert_eq!(field(MaintenanceDraft { websites: Some(vec![]), ..once_draft() }), "websites");
    assert_eq!(field(MaintenanceDraft { websites: Some(vec![0]), ..once_draft() }), "websites");
    assert_eq!(field(MaintenanceDraft { all: Some(true), ..once_draft() }), "websites");
    assert_eq!(field(MaintenanceDraft { mode: Some("mute".into()), ..once_draft() }), "mode");
    let backwards =
        MaintenanceDraft { ends_at: Some(datetime!(2026-12-05 01:00 UTC)), ..once_draft() };
    assert_eq!(field(backwards), "ends_at");
    assert_eq!(field(MaintenanceDraft { ends_at: None, ..once_draft() }), "ends_at");
    let both = MaintenanceDraft { schedule: Some("@daily".into()), ..once_draft() };
    assert_eq!(field(both), "schedule");
    let neither = MaintenanceDraft { starts_at: None, ends_at: None, ..once_draft() };
    assert_eq!(field(neither), "starts_at");
    assert_eq!(
        field(MaintenanceDraft { schedule: Some("0 25 * * *".into()), ..weekly_draft() }),
        "schedule"
    );
    assert_eq!(
        field(MaintenanceDraft { timezone: Some("Mars/Olympus".into()), ..weekly_draft() }),
        "timezone"
    );
    assert_eq!(
        field(MaintenanceDraft { duration_secs: Some(0), ..weekly_draft() }),
        "duration_secs"
    );
    assert_eq!(field(MaintenanceDraft { duration_secs: None, ..weekly_draft() }), "duration_secs");
    let until = MaintenanceDraft {
        from: Some(datetime!(2026-12-05 00:00 UTC)),
        until: Some(datetime!(2026-12-04 00:00 UTC)),
        ..weekly_draft()
    };
    assert_eq!(field(until), "until");
}

#[test]
fn an_update_merges_within_a_kind_and_replaces_across_kinds() {
    let stored = once_draft().parse().unwrap();
    let later = MaintenanceDraft {
        ends_at: Some(datetime!(2026-12-05 06:00 UTC)),
        ..MaintenanceDraft::default()
    };
    let updated = later.over(&stored).unwrap();
    assert_eq!(
        updated.timing,
        MaintenanceTiming::Once {
            starts_at: datetime!(2026-12-05 02:00 UTC),
            ends_at: datetime!(2026-12-05 06:00 UTC)
        }
    );
    assert_eq!(updated.scope, stored.scope);
    // Switching to a recurring window drops the one-off times.
    let weekly = MaintenanceDraft {
        schedule: Some("@weekly".into()),
        duration_secs: Some(600),
        ..MaintenanceDraft::default()
    };
    assert!(matches!(weekly.over(&stored).unwrap().timing, MaintenanceTiming::Recurring(_)));
    // "all" replaces the list; a bad merged result is refused naming the field.
    let all = MaintenanceDraft { all: Some(true), ..MaintenanceDraft::default() };
    assert_eq!(all.over(&stored).unwrap().scope, MaintenanceScope::All);
    let early = MaintenanceDraft {
        ends_at: Some(datetime!(2026-12-05 01:00 UTC)),
        ..MaintenanceDraft::default()
    };
    assert_eq!(early.over(&stored).unwrap_err().field, "ends_at");
}

#[test]
fn windows_at_the_ends_of_time_do_not_overflow() {
    let far = MaintenanceDraft {
        starts_at: Some(datetime!(9999-12-31 23:00 UTC)),
        ends_at: Some(datetime!(9999-12-31 23:59:59 UTC)),
        ..once_draft()
    };
    let spec = far.parse().unwrap();
    assert!(spec.timing.outlook(datetime!(2026-12-04 00:00 UTC)).next_start.is_some());
    let early = MaintenanceDraft {
        from: Some(datetime!(0000-01-01 00:00 UTC)),
        until: Some(datetime!(9999-12-31 00:00 UTC)),
        ..weekly_draft()
    };
    let spec = early.parse().unwrap();
    let _ = spec.timing.outlook(datetime!(9999-12-30 00:00 UTC));
    let _ = spec.timing.spans(datetime!(0000-01-01 00:00 UTC), datetime!(0000-01-10 00:00 UTC));
}
