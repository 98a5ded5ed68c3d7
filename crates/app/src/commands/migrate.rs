//! `lookout migrate`: apply pending migrations and exit.

use crate::settings::Settings;

pub(crate) async fn migrate(settings: Settings) -> anyhow::Result<()> {
    super::open_store(&settings).await?;
    Ok(())
}
