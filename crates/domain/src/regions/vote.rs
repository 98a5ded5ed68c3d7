//! The vote: a site's state decided from each chosen region's latest fresh verdict.

use std::collections::HashSet;
use std::time::Duration;

use time::OffsetDateTime;

use super::{RegionName, SiteRegions};
use crate::dashboard::Verdict;

/// A region's latest verdict on a site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionVerdict {
    pub region: RegionName,
    pub verdict: Verdict,
    pub checked_at: OffsetDateTime,
}

/// How long a verdict counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Freshness {
    /// The site's check interval: a verdict is fresh for two of them.
    pub interval: Duration,
    /// A failed verdict counts this much longer: the region's circuit breaker stops checking a
    /// failing site for its cool-down (`circuit_breaker.open_secs`), and the region still sees
    /// it down meanwhile.
    pub failed_held_for: Duration,
}

impl Freshness {
    /// Whether `verdict` still counts at `now`.
    pub fn is_fresh(&self, verdict: &RegionVerdict, now: OffsetDateTime) -> bool {
        let mut window = self.interval.saturating_mul(2);
        if verdict.verdict == Verdict::Failed {
            window = window.saturating_add(self.failed_held_for);
        }
        let age = now - verdict.checked_at;
        age <= time::Duration::try_from(window).unwrap_or(time::Duration::MAX)
    }
}

/// What the regions decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vote {
    /// Failed when the quorum sees the site down; else degraded when any voting region sees it
    /// degraded or down; else up.
    pub verdict: Verdict,
    /// The voting regions that see it down, in the site's order.
    pub down: Vec<RegionName>,
    /// How many regions voted.
    pub voters: usize,
    /// How many down votes make the site down with this many voters.
    pub needed: usize,
    /// Chosen regions left out of the vote (no fresh verdict), in the site's order.
    pub left_out: Vec<RegionName>,
}

/// A chosen region as `/status` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionStanding {
    pub region: RegionName,
    /// `None`: no live node in the region; otherwise its latest verdict (`None` inside: it has
    /// not checked the site yet).
    pub seen: Option<Option<Verdict>>,
    pub last_check: Option<OffsetDateTime>,
    /// Its verdict counts in the vote.
    pub fresh: bool,
}

impl SiteRegions {
    /// The vote at `now` over the regions' latest verdicts (verdicts of regions the site did not
    /// choose are ignored). `None` when no chosen region has a fresh verdict: nothing is decided.
    pub fn vote(
        &self,
        verdicts: &[RegionVerdict],
        freshness: Freshness,
        now: OffsetDateTime,
    ) -> Option<Vote> {
        let mut down = Vec::new();
        let mut left_out = Vec::new();
        let (mut voters, mut troubled) = (0, false);
        for region in self.regions() {
            match verdicts.iter().find(|v| &v.region == region) {
                Some(verdict) if freshness.is_fresh(verdict, now) => {
                    voters += 1;
                    match verdict.verdict {
                        Verdict::Failed => down.push(region.clone()),
                        Verdict::Degraded => troubled = true,
                        Verdict::Up => {}
                    }
                }
                _ => left_out.push(region.clone()),
            }
        }
        if voters == 0 {
            return None;
        }
        let needed = self.quorum().needed(voters);
        let verdict = if down.len() >= needed {
            Verdict::Failed
        } else if troubled || !down.is_empty() {
            Verdict::Degraded
        } else {
            Verdict::Up
        };
        Some(Vote { verdict, down, voters, needed, left_out })
    }

    /// Each chosen region: what it last saw, whether that counts, and whether any node of it is
    /// alive (`live`).
    pub fn standings(
        &self,
        verdicts: &[RegionVerdict],
        live: &HashSet<RegionName>,
        freshness: Freshness,
        now: OffsetDateTime,
    ) -> Vec<RegionStanding> {
        self.regions()
            .iter()
            .map(|region| {
                let verdict = verdicts.iter().find(|v| &v.region == region);
                RegionStanding {
                    region: region.clone(),
                    seen: live.contains(region).then(|| verdict.map(|v| v.verdict)),
                    last_check: verdict.map(|v| v.checked_at),
                    fresh: verdict.is_some_and(|v| freshness.is_fresh(v, now)),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroU8;

    use time::macros::datetime;

    use super::*;
    use crate::regions::Quorum;

    const T0: OffsetDateTime = datetime!(2026-12-06 12:00 UTC);
    const FRESH: Freshness =
        Freshness { interval: Duration::from_secs(10), failed_held_for: Duration::from_secs(300) };

    fn name(raw: &str) -> RegionName {
        RegionName::parse(raw).unwrap()
    }

    fn three(quorum: Quorum) -> SiteRegions {
        SiteRegions::new(vec![name("eu"), name("us"), name("ap")], quorum).unwrap()
    }

    fn seen(region: &str, verdict: Verdict, secs_ago: i64) -> RegionVerdict {
        RegionVerdict {
            region: name(region),
            verdict,
            checked_at: T0 - time::Duration::seconds(secs_ago),
        }
    }

    #[test]
    fn one_region_down_of_three_is_not_a_majority() {
        let vote = three(Quorum::Majority)
            .vote(
                &[
                    seen("eu", Verdict::Failed, 1),
                    seen("us", Verdict::Up, 2),
                    seen("ap", Verdict::Up, 3),
                ],
                FRESH,
                T0,
            )
            .unwrap();
        assert_eq!(vote.verdict, Verdict::Degraded, "one region's trouble shows, not as down");
        assert_eq!((vote.down, vote.voters, vote.needed), (vec![name("eu")], 3, 2));
    }

    #[test]
    fn two_regions_down_of_three_are() {
        let vote = three(Quorum::Majority)
            .vote(
                &[
                    seen("eu", Verdict::Failed, 1),
                    seen("us", Verdict::Failed, 2),
                    seen("ap", Verdict::Up, 3),
                ],
                FRESH,
                T0,
            )
            .unwrap();
        assert_eq!(vote.verdict, Verdict::Failed);
        assert_eq!(vote.down, vec![name("eu"), name("us")]);
    }

    #[test]
    fn stale_regions_are_left_out_and_the_rest_decide() {
        let verdicts = [
            seen("eu", Verdict::Up, 21), // two intervals and a second ago
            seen("us", Verdict::Failed, 2),
            seen("ap", Verdict::Failed, 5),
        ];
        let vote = three(Quorum::All).vote(&verdicts, FRESH, T0).unwrap();
        assert_eq!(vote.left_out, vec![name("eu")]);
        assert_eq!((vote.verdict, vote.voters, vote.needed), (Verdict::Failed, 2, 2));
        let at_least_three = three(Quorum::AtLeast(NonZeroU8::new(3).unwrap()));
        let vote = at_least_three.vote(&verdicts, FRESH, T0).unwrap();
        assert_eq!(vote.verdict, Verdict::Failed, "fewer voters than the quorum: all of them");
    }

    #[test]
    fn a_failed_verdict_holds_through_the_breakers_cool_down() {
        let verdicts = [seen("eu", Verdict::Failed, 200), seen("us", Verdict::Up, 1)];
        let vote = three(Quorum::Any).vote(&verdicts, FRESH, T0).unwrap();
        assert_eq!(vote.verdict, Verdict::Failed, "eu's breaker is open: it still sees it down");
        assert_eq!(vote.left_out, vec![name("ap")]);
        let long_gone = [seen("eu", Verdict::Failed, 400), seen("us", Verdict::Up, 1)];
        assert_eq!(three(Quorum::Any).vote(&long_gone, FRESH, T0).unwrap().verdict, Verdict::Up);
    }

    #[test]
    fn no_fresh_verdict_decides_nothing_and_other_regions_do_not_vote() {
        assert_eq!(three(Quorum::Majority).vote(&[], FRESH, T0), None);
        let elsewhere = [seen("sa", Verdict::Failed, 1)];
        assert_eq!(three(Quorum::Majority).vote(&elsewhere, FRESH, T0), None);
    }

    #[test]
    fn standings_say_which_regions_have_no_nodes() {
        let live = HashSet::from([name("eu"), name("us")]);
        let standings = three(Quorum::Majority).standings(
            &[seen("eu", Verdict::Up, 1), seen("ap", Verdict::Failed, 100)],
            &live,
            FRESH,
            T0,
        );
        assert_eq!(standings[0].seen, Some(Some(Verdict::Up)));
        assert!(standings[0].fresh);
        assert_eq!(standings[1].seen, Some(None), "live, not checked yet");
        assert_eq!(standings[2].seen, None, "no live node in ap");
        assert_eq!(standings[2].last_check, Some(T0 - time::Duration::seconds(100)));
    }
}
