//! The dashboard's reads: a page of sites searched, filtered, sorted and paged by state; sums
//! per bucket from raw checks and roll-ups alike; many sites' windows at once.

use lookout_domain::dashboard::{
    DashboardReader, OverviewQuery, OverviewSort, PageNumber, SearchText, StateFilter,
};
use lookout_domain::history::{Grain, RollupStore};
use lookout_domain::{CheckRecorder, MonitorCheck, SiteState, WebsiteName};
use lookout_store::CheckWriterOptions;

use crate::checks::check;
use crate::*;

fn named(url: &str, name: &str, enabled: bool) -> NewWebsite {
    NewWebsite { name: WebsiteName::parse(name).unwrap(), ..new_site(url, enabled) }
}

on_both_backends!(a_page_of_sites_is_searched_filtered_and_sorted_by_state, |store, _db| {
    let mut ids = Vec::new();
    for (host, name, enabled) in [
        ("a", "Alpha shop", true),
        ("b", "beta 100% off", true),
        ("c", "Gamma", true),
        ("d", "delta shop", false),
        ("e", "Epsilon", true),
    ] {
        let site = named(&format!("https://{host}.example/"), name, enabled);
        ids.push(store.create_website(&site, T0).await.unwrap().id);
    }
    let (recorder, writer) = store.spawn_check_writer(CheckWriterOptions::default());
    recorder.record_check(check(ids[0], 0, true)).await.unwrap();
    recorder.record_check(MonitorCheck { degraded: true, ..check(ids[1], 0, true) }).await.unwrap();
    recorder.record_check(check(ids[2], 0, false)).await.unwrap();
    recorder.record_check(check(ids[2], 60, false)).await.unwrap();
    drop(recorder);
    writer.await.unwrap();

    let page = store.site_page(&OverviewQuery::default()).await.unwrap();
    let listed: Vec<_> =
        page.sites.iter().map(|s| (s.website.name.as_str().to_owned(), s.state)).collect();
    assert_eq!(page.total, 5);
    assert_eq!(
        listed,
        [
            ("Gamma".to_owned(), SiteState::Down),
            ("beta 100% off".to_owned(), SiteState::Degraded),
            ("Epsilon".to_owned(), SiteState::Unknown),
            ("Alpha shop".to_owned(), SiteState::Up),
            ("delta shop".to_owned(), SiteState::Paused),
        ]
    );
    let gamma = &page.sites[0];
    let last = gamma.last_check.as_ref().unwrap();
    assert_eq!(last.check.timestamp, T0 + time::Duration::seconds(60), "the newest check");

    let search = |text: &str| OverviewQuery {
        search: SearchText::parse(text).unwrap(),
        ..OverviewQuery::default()
    };
    let found = store.site_page(&search("SHOP")).await.unwrap();
    assert_eq!(found.total, 2);
    let found = store.site_page(&search("100%")).await.unwrap();
    assert_eq!(found.sites.len(), 1, "% is literal");
    assert_eq!(found.sites[0].website.id, ids[1]);
    let found = store.site_page(&search("e.example")).await.unwrap();
    assert_eq!(found.sites.iter().map(|s| s.website.id).collect::<Vec<_>>(), [ids[4]], "by URL");

    let down = OverviewQuery { state: Some(StateFilter::Down), ..OverviewQuery::default() };
    let found = store.site_page(&down).await.unwrap();
    assert_eq!((found.total, found.sites[0].website.id), (1, ids[2]));
    let paused = OverviewQuery { state: Some(StateFilter::Paused), ..OverviewQuery::default() };
    assert_eq!(store.site_page(&paused).await.unwrap().sites[0].website.id, ids[3]);

    let by_name = OverviewQuery { sort: OverviewSort::Name, ..OverviewQuery::default() };
    let names: Vec<_> =
        store.site_page(&by_name).await.unwrap().sites.iter().map(|s| s.website.id).collect();
    assert_eq!(names, [ids[0], ids[1], ids[3], ids[4], ids[2]], "case-insensitive");
    let second = OverviewQuery { page: PageNumber::new(2).unwrap(), ..OverviewQuery::default() };
    let page = store.site_page(&second).await.unwrap();
    assert_eq!((page.total, page.sites.len()), (5, 0), "one page of 100 holds them all");
});

on_both_backends!(bucket_sums_are_the_same_from_raw_checks_and_roll_ups, |store, _db| {
    let site = store.create_website(&new_site("https://a.example", true), T0).await.unwrap().id;
    let (recorder, writer) = store.spawn_check_writer(CheckWriterOptions::default());
    // Two checks in T0's hour, one in the next hour (a failure), one two hours later.
    for (secs, ok) in [(0, true), (60, true), (3600, false), (7200, true)] {
        recorder.record_check(check(site, secs, ok)).await.unwrap();
    }
    drop(recorder);
    writer.await.unwrap();
    let hour0 = Grain::Hour.floor(T0);
    let to = hour0 + time::Duration::hours(3);
    let raw = store.series(&[site], hour0, to, Grain::Hour).await.unwrap();
    let counts = |series: &std::collections::HashMap<_, Vec<lookout_domain::dashboard::Bucket>>| -> Vec<(i64, u64, u64)> {
        series[&site]
            .iter()
            .map(|b| ((b.start - hour0).whole_hours(), b.sums.count, b.sums.available))
            .collect()
    };
    assert_eq!(counts(&raw), [(0, 2, 2), (1, 1, 0), (2, 1, 1)]);

    for hour in 0..3 {
        store.roll_up(Grain::Hour, hour0 + time::Duration::hours(hour), None, 100).await.unwrap();
    }
    store.set_rolled_through(Grain::Hour, to).await.unwrap();
    let rolled = store.series(&[site], hour0, to, Grain::Hour).await.unwrap();
    assert_eq!(counts(&rolled), counts(&raw), "roll-ups answer the same buckets");
    let daily = store.series(&[site], Grain::Day.floor(T0), to, Grain::Day).await.unwrap();
    assert_eq!(daily[&site].len(), 1);
    assert_eq!((daily[&site][0].sums.count, daily[&site][0].sums.available), (4, 3));

    let windows = store.windows_of(&[site], T0, to).await.unwrap();
    assert_eq!(windows[&site].len(), 1, "the failure's window");
});
