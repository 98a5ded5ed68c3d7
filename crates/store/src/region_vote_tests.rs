use std::time::Duration;

use lookout_domain::WebsiteId;
use lookout_domain::regions::Quorum;
use time::OffsetDateTime;
use time::macros::datetime;

use super::*;

const T0: OffsetDateTime = datetime!(2026-12-07 09:00:00 UTC);
const HELD: Duration = Duration::from_secs(300);

fn check(site: i64, secs: i64, up: bool) -> MonitorCheck {
    MonitorCheck::sample(WebsiteId::new(site).unwrap(), T0 + time::Duration::seconds(secs), up)
}

fn region(raw: &str) -> RegionName {
    RegionName::parse(raw).unwrap()
}

/// Site 1 chose eu, us and ap (majority, 10 s); site 2 chose none.
fn sites() -> HashMap<i64, VotingSite> {
    let rows: Vec<LiveSiteRow> = vec![
        (1, None, Some(r#"["eu","us","ap"]"#.to_owned()), None, 10),
        (2, None, None, None, 10),
    ];
    voting_sites(&rows, HELD)
}

fn stored(site: i64, region: &str, verdict: i16, secs: i64) -> RegionVerdictRow {
    RegionVerdictRow {
        website_id: site,
        region: region.to_owned(),
        verdict,
        checked_at: to_column(T0 + time::Duration::seconds(secs)),
    }
}

#[test]
fn only_sites_that_chose_regions_vote() {
    let sites = sites();
    assert!(sites.contains_key(&1));
    assert!(!sites.contains_key(&2));
    assert_eq!(sites[&1].regions.quorum(), Quorum::Majority);
}

#[test]
fn one_region_down_does_not_make_the_site_down_two_do() {
    let checks = [check(1, 0, false), check(2, 0, false)];
    let eu = region("eu");
    let up_elsewhere = vec![stored(1, "us", 0, -3), stored(1, "ap", 0, -2)];
    let voted = vote_batch(&checks, &sites(), up_elsewhere, Some(&eu));
    let site = voted.decisions[0].as_ref().unwrap();
    assert!(site.check.is_available, "eu alone is not a majority");
    assert!(site.check.degraded, "but the trouble shows");
    assert_eq!(site.regions_down, vec![eu.clone()]);
    let plain = voted.decisions[1].as_ref().unwrap();
    assert!(!plain.check.is_available, "a site without regions decides by its check");
    assert_eq!(voted.verdicts.len(), 1, "this region's verdict on the voting site");
    assert_eq!((voted.verdicts[0].region.as_str(), voted.verdicts[0].verdict), ("eu", 2));

    let us_down = vec![stored(1, "us", 2, -3), stored(1, "ap", 0, -2)];
    let voted = vote_batch(&checks, &sites(), us_down, Some(&eu));
    let site = voted.decisions[0].as_ref().unwrap();
    assert!(!site.check.is_available, "eu and us make a majority");
    assert_eq!(site.regions_down, vec![eu, region("us")]);
}

#[test]
fn checks_of_one_batch_vote_in_order_and_stale_verdicts_do_not_count() {
    let us = region("us");
    // eu saw it down long ago (stale); ap saw it down just now.
    let stored_rows = vec![stored(1, "eu", 2, -400), stored(1, "ap", 2, -1)];
    let checks = [check(1, 0, true), check(1, 10, false)];
    let voted = vote_batch(&checks, &sites(), stored_rows, Some(&us));
    assert!(voted.decisions[0].as_ref().unwrap().check.is_available, "us up, ap down: a tie");
    assert!(
        !voted.decisions[1].as_ref().unwrap().check.is_available,
        "us down at +10 s joins ap: both voters"
    );
    assert_eq!(voted.verdicts[0].checked_at, to_column(T0 + time::Duration::seconds(10)));
}

#[test]
fn a_region_the_site_did_not_choose_or_no_region_decides_nothing() {
    let checks = [check(1, 0, false)];
    let voted = vote_batch(&checks, &sites(), Vec::new(), Some(&region("sa")));
    assert!(voted.decisions[0].is_none());
    assert!(voted.verdicts.is_empty());
    let voted = vote_batch(&checks, &sites(), Vec::new(), None);
    assert!(voted.decisions[0].is_none());
}
