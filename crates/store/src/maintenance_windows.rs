//! `MaintenanceRepository` on the store: `maintenance_windows` and the sites each names in
//! `maintenance_websites`. A row is read back through the domain's own checks (a row that no
//! longer parses is reported as corrupt, never half-read).

use std::collections::HashMap;

use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use lookout_domain::WebsiteId;
use lookout_domain::alerting::AlertStoreError;
use lookout_domain::maintenance::{
    MaintenanceDraft, MaintenanceId, MaintenanceRepository, MaintenanceScope, MaintenanceSpec,
    MaintenanceWindow, MaintenanceWriteError,
};
use lookout_domain::website::{FileGuard, Guarded};
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::ownership::{Stop, gate, managed_by, stored_managed};
use crate::schema::{maintenance_websites, maintenance_windows, websites};
use crate::store::with_connection;
use crate::time_conv::{from_column, to_column};
use crate::{Store, StoreError};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = maintenance_windows)]
struct WindowRow {
    id: i64,
    name: String,
    mode: String,
    all_websites: bool,
    starts_at: Option<PrimitiveDateTime>,
    ends_at: Option<PrimitiveDateTime>,
    schedule: Option<String>,
    duration_secs: Option<i64>,
    timezone: Option<String>,
    from_at: Option<PrimitiveDateTime>,
    until_at: Option<PrimitiveDateTime>,
    created_at: PrimitiveDateTime,
    updated_at: PrimitiveDateTime,
    managed_by: Option<String>,
    managed_key: Option<String>,
}

/// The columns of a spec (created or replaced).
#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = maintenance_windows, treat_none_as_null = true)]
pub(crate) struct SpecColumns {
    name: String,
    mode: &'static str,
    all_websites: bool,
    starts_at: Option<PrimitiveDateTime>,
    ends_at: Option<PrimitiveDateTime>,
    schedule: Option<String>,
    duration_secs: Option<i64>,
    timezone: Option<String>,
    from_at: Option<PrimitiveDateTime>,
    until_at: Option<PrimitiveDateTime>,
    updated_at: PrimitiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = maintenance_windows)]
pub(crate) struct NewWindow {
    #[diesel(embed)]
    pub(crate) spec: SpecColumns,
    pub(crate) created_at: PrimitiveDateTime,
}

impl SpecColumns {
    pub(crate) fn of(spec: &MaintenanceSpec, now: OffsetDateTime) -> Self {
        let draft = MaintenanceDraft::from(spec);
        Self {
            name: spec.name.clone(),
            mode: spec.mode.as_str(),
            all_websites: spec.scope == MaintenanceScope::All,
            starts_at: draft.starts_at.map(to_column),
            ends_at: draft.ends_at.map(to_column),
            schedule: draft.schedule,
            duration_secs: draft.duration_secs.and_then(|s| i64::try_from(s).ok()),
            timezone: draft.timezone,
            from_at: draft.from.map(to_column),
            until_at: draft.until.map(to_column),
            updated_at: to_column(now),
        }
    }
}

pub(crate) fn site_ids(spec: &MaintenanceSpec) -> Vec<i64> {
    match &spec.scope {
        MaintenanceScope::All => Vec::new(),
        MaintenanceScope::Websites(ids) => ids.iter().map(|id| id.get()).collect(),
    }
}

impl WindowRow {
    fn into_domain(self, sites: Vec<i64>) -> Result<MaintenanceWindow, StoreError> {
        let corrupt = |what: String| {
            StoreError::CorruptRow(format!("maintenance window {}: {what}", self.id))
        };
        // Every site it named was deleted since: it covers nothing (and says so), rather than
        // failing every read of the windows.
        let orphaned = !self.all_websites && sites.is_empty();
        let draft = MaintenanceDraft {
            name: Some(self.name.clone()),
            websites: (!self.all_websites && !orphaned).then_some(sites),
            all: Some(self.all_websites || orphaned),
            mode: Some(self.mode.clone()),
            starts_at: self.starts_at.map(from_column),
            ends_at: self.ends_at.map(from_column),
            schedule: self.schedule.clone(),
            duration_secs: self.duration_secs.and_then(|s| u64::try_from(s).ok()),
            timezone: self.timezone.clone(),
            from: self.from_at.map(from_column),
            until: self.until_at.map(from_column),
        };
        let mut spec = draft.parse().map_err(|e| corrupt(format!("{}: {e}", e.field)))?;
        if orphaned {
            spec.scope = MaintenanceScope::Websites(Vec::new());
        }
        Ok(MaintenanceWindow {
            id: MaintenanceId::new(self.id).map_err(|e| corrupt(e.to_string()))?,
            spec,
            managed: stored_managed(self.managed_by.as_deref(), self.managed_key.as_deref())
                .map_err(corrupt)?,
            created_at: from_column(self.created_at),
            updated_at: from_column(self.updated_at),
        })
    }
}

/// Joins windows with their sites (`links`: (window, site) pairs).
fn assemble(
    rows: Vec<WindowRow>,
    links: Vec<(i64, i64)>,
) -> Result<Vec<MaintenanceWindow>, StoreError> {
    let mut sites: HashMap<i64, Vec<i64>> = HashMap::new();
    for (window, site) in links {
        sites.entry(window).or_default().push(site);
    }
    rows.into_iter()
        .map(|row| {
            let ids = sites.remove(&row.id).unwrap_or_default();
            row.into_domain(ids)
        })
        .collect()
}

/// The ids among `wanted` that name no website.
fn missing(wanted: &[i64], found: &[i64]) -> Vec<WebsiteId> {
    wanted
        .iter()
        .filter(|id| found.binary_search(id).is_err())
        .filter_map(|id| WebsiteId::new(*id).ok())
        .collect()
}

impl From<StoreError> for MaintenanceWriteError {
    fn from(error: StoreError) -> Self {
        Self::Store(AlertStoreError::from(error))
    }
}

/// Why a window was not written (nothing was).
#[derive(Debug)]
enum Unwritten {
    UnknownWebsites(Vec<WebsiteId>),
    /// The guard of a hand edit stopped it, or there is no such window.
    Stopped(Stop),
}

/// Writes a window's columns and sites in one transaction; evaluates to the window's id, or
/// why nothing was written. `$replace`: the window to update and the guard of that edit
/// (`None`: a new window).
macro_rules! write_window {
    ($conn:expr, $replace:expr, $spec:expr, $now:expr) => {{
        let spec: &MaintenanceSpec = $spec;
        let sites = site_ids(spec);
        let columns = SpecColumns::of(spec, $now);
        let created_at = to_column($now);
        let replace: Option<(MaintenanceId, FileGuard)> = $replace;
        $conn
            .transaction(async |conn| {
                if let Some((id, guard)) = replace {
                    let owner = managed_by!(
                        conn,
                        maintenance_windows::table.find(id.get()),
                        maintenance_windows
                    );
                    if let Err(stop) = gate(owner.as_ref(), guard) {
                        return Ok(Err(Unwritten::Stopped(stop)));
                    }
                }
                let mut found: Vec<i64> = websites::table
                    .filter(websites::id.eq_any(&sites))
                    .select(websites::id)
                    .load(conn)
                    .await?;
                found.sort_unstable();
                let unknown = missing(&sites, &found);
                if !unknown.is_empty() {
                    return Ok::<_, diesel::result::Error>(Err(Unwritten::UnknownWebsites(
                        unknown,
                    )));
                }
                let written: Option<i64> = match replace {
                    None => Some(
                        diesel::insert_into(maintenance_windows::table)
                            .values(NewWindow { spec: columns, created_at })
                            .returning(maintenance_windows::id)
                            .get_result(conn)
                            .await?,
                    ),
                    Some((id, _)) => diesel::update(maintenance_windows::table.find(id.get()))
                        .set(&columns)
                        .returning(maintenance_windows::id)
                        .get_result(conn)
                        .await
                        .optional()?,
                };
                let Some(window) = written else {
                    return Ok(Err(Unwritten::Stopped(Stop::Missing)));
                };
                diesel::delete(
                    maintenance_websites::table
                        .filter(maintenance_websites::maintenance_id.eq(window)),
                )
                .execute(conn)
                .await?;
                for site in &sites {
                    diesel::insert_into(maintenance_websites::table)
                        .values((
                            maintenance_websites::maintenance_id.eq(window),
                            maintenance_websites::website_id.eq(*site),
                        ))
                        .execute(conn)
                        .await?;
                }
                Ok(Ok(window))
            })
            .await
            .map_err(StoreError::from)?
    }};
}

impl Store {
    async fn load_windows(
        &self,
        only: Option<MaintenanceId>,
    ) -> Result<Vec<MaintenanceWindow>, StoreError> {
        let (rows, links): (Vec<WindowRow>, Vec<(i64, i64)>) =
            with_connection!(self, read, |conn| {
                let mut windows =
                    maintenance_windows::table.order(maintenance_windows::id).into_boxed();
                let mut sites = maintenance_websites::table
                    .order((maintenance_websites::maintenance_id, maintenance_websites::website_id))
                    .select((
                        maintenance_websites::maintenance_id,
                        maintenance_websites::website_id,
                    ))
                    .into_boxed();
                if let Some(id) = only {
                    windows = windows.filter(maintenance_windows::id.eq(id.get()));
                    sites = sites.filter(maintenance_websites::maintenance_id.eq(id.get()));
                }
                let rows = windows
                    .select(WindowRow::as_select())
                    .load(&mut conn)
                    .await
                    .map_err(StoreError::from)?;
                let links = sites.load(&mut conn).await.map_err(StoreError::from)?;
                (rows, links)
            });
        assemble(rows, links)
    }

    /// The window `write_window!` wrote, read back (`item` names it in a storage error).
    async fn written(
        &self,
        outcome: Result<i64, Unwritten>,
        item: &str,
    ) -> Result<Guarded<MaintenanceWindow>, MaintenanceWriteError> {
        let id = match outcome {
            Ok(id) => id,
            Err(Unwritten::UnknownWebsites(ids)) => {
                return Err(MaintenanceWriteError::UnknownWebsites(ids));
            }
            Err(Unwritten::Stopped(stop)) => return Ok(stop.outcome(item)?),
        };
        let id = MaintenanceId::new(id)
            .map_err(|e| StoreError::CorruptRow(format!("maintenance window id: {e}")))?;
        Ok(match self.load_windows(Some(id)).await?.into_iter().next() {
            Some(window) => Guarded::Done(window),
            None => Guarded::NotFound,
        })
    }
}

impl MaintenanceRepository for Store {
    async fn list_maintenance(&self) -> Result<Vec<MaintenanceWindow>, AlertStoreError> {
        Ok(self.load_windows(None).await?)
    }

    async fn get_maintenance(
        &self,
        id: MaintenanceId,
    ) -> Result<Option<MaintenanceWindow>, AlertStoreError> {
        Ok(self.load_windows(Some(id)).await?.into_iter().next())
    }

    async fn create_maintenance(
        &self,
        spec: &MaintenanceSpec,
        now: OffsetDateTime,
    ) -> Result<MaintenanceWindow, MaintenanceWriteError> {
        let outcome = with_connection!(self, write, |conn| write_window!(conn, None, spec, now));
        match self.written(outcome, "a new maintenance window").await? {
            Guarded::Done(window) => Ok(window),
            Guarded::NotFound | Guarded::ManagedByFile(_) => Err(StoreError::CorruptRow(
                "a created maintenance window cannot be read back".into(),
            )
            .into()),
        }
    }

    async fn update_maintenance(
        &self,
        id: MaintenanceId,
        spec: &MaintenanceSpec,
        now: OffsetDateTime,
        guard: FileGuard,
    ) -> Result<Guarded<MaintenanceWindow>, MaintenanceWriteError> {
        let outcome = with_connection!(self, write, |conn| {
            write_window!(conn, Some((id, guard)), spec, now)
        });
        self.written(outcome, &format!("maintenance window {id}")).await
    }

    async fn delete_maintenance(
        &self,
        id: MaintenanceId,
        guard: FileGuard,
    ) -> Result<Guarded<()>, AlertStoreError> {
        let outcome: Result<(), Stop> = with_connection!(self, write, |conn| {
            conn.transaction(async |conn| {
                let owner = managed_by!(
                    conn,
                    maintenance_windows::table.find(id.get()),
                    maintenance_windows
                );
                if let Err(stop) = gate(owner.as_ref(), guard) {
                    return Ok(Err(stop));
                }
                diesel::delete(
                    maintenance_websites::table
                        .filter(maintenance_websites::maintenance_id.eq(id.get())),
                )
                .execute(conn)
                .await?;
                diesel::delete(maintenance_windows::table.find(id.get())).execute(conn).await?;
                Ok::<_, diesel::result::Error>(Ok(()))
            })
            .await
            .map_err(StoreError::from)?
        });
        Ok(Stop::settle(outcome, format_args!("maintenance window {id}"))?)
    }
}
