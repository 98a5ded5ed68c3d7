//! `SiteCounter` on the store: sites by state in one grouped query over `websites`, its
//! `verdict` column (see `site_verdicts.rs`) and the open downtime windows.

use diesel::sql_types::{BigInt, Bool, Nullable, SmallInt};
use diesel_async::RunQueryDsl;
use lookout_domain::website::{SiteCounter, SiteCounts, SiteCountsError};

use crate::site_verdicts::{DEGRADED, FAILED};
use crate::store::with_connection;
use crate::{Store, StoreError};

#[derive(Debug, diesel::QueryableByName)]
struct Group {
    #[diesel(sql_type = Bool)]
    enabled: bool,
    #[diesel(sql_type = Nullable<SmallInt>)]
    verdict: Option<i16>,
    #[diesel(sql_type = Bool)]
    open_window: bool,
    #[diesel(sql_type = BigInt)]
    sites: i64,
}

const GROUPS: &str = "SELECT enabled, verdict, \
     EXISTS (SELECT 1 FROM downtime_windows d \
             WHERE d.website_id = websites.id AND d.end_time IS NULL) AS open_window, \
     COUNT(*) AS sites \
     FROM websites GROUP BY 1, 2, 3";

impl SiteCounter for Store {
    async fn site_counts(&self) -> Result<SiteCounts, SiteCountsError> {
        let groups: Vec<Group> = with_connection!(self, read, |conn| {
            diesel::sql_query(GROUPS).load(&mut conn).await.map_err(StoreError::from)?
        });
        Ok(tally(&groups))
    }
}

fn tally(groups: &[Group]) -> SiteCounts {
    let mut counts = SiteCounts::default();
    for group in groups {
        let n = u64::try_from(group.sites).unwrap_or(0);
        if group.enabled {
            counts.enabled += n;
        } else {
            counts.disabled += n;
        }
        let slot = match (group.enabled, group.open_window, group.verdict) {
            (_, true, _) | (true, false, Some(FAILED)) => &mut counts.down,
            (false, false, _) => continue,
            (true, false, None) => &mut counts.unknown,
            (true, false, Some(DEGRADED)) => &mut counts.degraded,
            (true, false, Some(_)) => &mut counts.up,
        };
        *slot += n;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site_verdicts::UP;

    fn group(enabled: bool, verdict: Option<i16>, open_window: bool, sites: i64) -> Group {
        Group { enabled, verdict, open_window, sites }
    }

    #[test]
    fn every_enabled_site_has_one_state() {
        let counts = tally(&[
            group(true, Some(UP), false, 5),
            group(true, Some(DEGRADED), false, 2),
            group(true, Some(DEGRADED), true, 1),
            group(true, Some(FAILED), false, 1),
            group(true, None, false, 3),
            group(false, Some(UP), false, 4),
            group(false, Some(FAILED), true, 1),
        ]);
        assert_eq!(
            counts,
            SiteCounts { enabled: 12, disabled: 5, down: 3, up: 5, degraded: 2, unknown: 3 }
        );
    }
}
