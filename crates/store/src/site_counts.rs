//! `SiteCounter` on the store: sites by state in one grouped query over their state rank
//! (`site_listing::STATE_RANK`).

use diesel::sql_types::{BigInt, Integer};
use diesel_async::RunQueryDsl;
use lookout_domain::SiteState;
use lookout_domain::website::{SiteCounter, SiteCounts, SiteCountsError};

use crate::site_listing::{STATE_RANK, state_of_rank};
use crate::store::with_connection;
use crate::{Store, StoreError};

#[derive(Debug, diesel::QueryableByName)]
struct Group {
    #[diesel(sql_type = Integer)]
    rank: i32,
    #[diesel(sql_type = BigInt)]
    sites: i64,
}

impl SiteCounter for Store {
    async fn site_counts(&self) -> Result<SiteCounts, SiteCountsError> {
        let query =
            format!("SELECT {STATE_RANK} AS rank, COUNT(*) AS sites FROM websites GROUP BY 1");
        let groups: Vec<Group> = with_connection!(self, read, |conn| {
            diesel::sql_query(&query).load(&mut conn).await.map_err(StoreError::from)?
        });
        Ok(tally(groups.iter().map(|g| (state_of_rank(g.rank), g.sites))))
    }
}

fn tally(groups: impl Iterator<Item = (SiteState, i64)>) -> SiteCounts {
    let mut counts = SiteCounts::default();
    for (state, sites) in groups {
        let n = u64::try_from(sites).unwrap_or(0);
        let slot = match state {
            SiteState::Paused => &mut counts.disabled,
            SiteState::Down => &mut counts.down,
            SiteState::Degraded => &mut counts.degraded,
            SiteState::Unknown => &mut counts.unknown,
            SiteState::Up | SiteState::Maintenance => &mut counts.up,
        };
        *slot += n;
        if state != SiteState::Paused {
            counts.enabled += n;
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_enabled_site_has_one_state() {
        let counts = tally(
            [
                (SiteState::Up, 5),
                (SiteState::Degraded, 2),
                (SiteState::Down, 3),
                (SiteState::Unknown, 3),
                (SiteState::Paused, 5),
            ]
            .into_iter(),
        );
        assert_eq!(
            counts,
            SiteCounts { enabled: 13, disabled: 5, down: 3, up: 5, degraded: 2, unknown: 3 }
        );
    }
}
