//! `lookout rollup`: run the roll-up and retention job now, until no backlog is left, and exit.
//! The same passes `lookout serve` runs on `retention.schedule`; safe while a server runs.

use anyhow::Context;
use lookout_domain::SystemClock;
use lookout_domain::history::{RollupReport, RollupService};

use crate::settings::Settings;

pub(crate) async fn rollup(settings: Settings) -> anyhow::Result<()> {
    let store = super::open_store(&settings).await?;
    let service = RollupService::new(store, SystemClock, settings.retention_policy());
    let mut total = RollupReport::default();
    loop {
        let report = service.run().await.context("roll-up failed")?;
        total.hours_rolled_up += report.hours_rolled_up;
        total.days_rolled_up += report.days_rolled_up;
        total.raw_checks_deleted += report.raw_checks_deleted;
        total.hourly_rollups_deleted += report.hourly_rollups_deleted;
        if !report.backlog {
            break;
        }
    }
    println!(
        "rolled up {} hours and {} days; deleted {} raw checks and {} hourly roll-ups",
        total.hours_rolled_up,
        total.days_rolled_up,
        total.raw_checks_deleted,
        total.hourly_rollups_deleted
    );
    Ok(())
}
