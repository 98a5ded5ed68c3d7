//! Maintenance windows as a document declares them: known by name, compared field by field
//! (the fields `POST /api/maintenance` takes); their sites named by key or id.

use super::plan::{ItemKind, Refusal};
use super::{Managed, Ref, SiteRef};
use crate::maintenance::{MaintenanceDraft, MaintenanceScope, MaintenanceSpec, MaintenanceWindow};

/// A declared window: its sites may be named by their key in the document.
pub type DeclaredMaintenance = MaintenanceSpec<SiteRef>;

/// The `maintenance` of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaintenanceWindows;

impl ItemKind for MaintenanceWindows {
    const LIST: &'static str = "maintenance";
    const IDENTITY: &'static str = "name";
    type Item = DeclaredMaintenance;
    type Stored = MaintenanceWindow;
    type Identity = String;
    type Field = &'static str;

    fn item_identity(item: &DeclaredMaintenance) -> &String {
        &item.name
    }

    fn stored_identity(stored: &MaintenanceWindow) -> &String {
        &stored.spec.name
    }

    fn stored_id(stored: &MaintenanceWindow) -> i64 {
        stored.id.get()
    }

    fn managed(stored: &MaintenanceWindow) -> Option<&Managed> {
        stored.managed.as_ref()
    }

    fn compare(
        stored: &MaintenanceWindow,
        item: &DeclaredMaintenance,
    ) -> Result<(DeclaredMaintenance, Vec<&'static str>), Refusal> {
        let stored = stored
            .spec
            .try_map_sites(|id| Ok::<_, std::convert::Infallible>(Ref::Id(*id)))
            .unwrap_or_else(|never| match never {});
        let (before, after) = (timing(&stored), timing(item));
        let pairs = [
            ("name", stored.name != item.name),
            (
                "all",
                matches!(stored.scope, MaintenanceScope::All)
                    != matches!(item.scope, MaintenanceScope::All),
            ),
            ("websites", websites(&stored) != websites(item)),
            ("mode", stored.mode != item.mode),
            ("starts_at", before.starts_at != after.starts_at),
            ("ends_at", before.ends_at != after.ends_at),
            ("schedule", before.schedule != after.schedule),
            ("duration_secs", before.duration_secs != after.duration_secs),
            ("timezone", before.timezone != after.timezone),
            ("from", before.from != after.from),
            ("until", before.until != after.until),
        ];
        let fields = pairs.into_iter().filter(|(_, changed)| *changed).map(|(f, _)| f).collect();
        Ok((item.clone(), fields))
    }

    fn creatable(_: &DeclaredMaintenance) -> Result<(), Refusal> {
        Ok(())
    }
}

/// The sites a window names (none for one that covers every site).
fn websites(spec: &DeclaredMaintenance) -> &[SiteRef] {
    match &spec.scope {
        MaintenanceScope::All => &[],
        MaintenanceScope::Websites(sites) => sites,
    }
}

/// A window's timing as the API's fields.
fn timing(spec: &DeclaredMaintenance) -> MaintenanceDraft {
    MaintenanceDraft::from(&MaintenanceSpec {
        name: String::new(),
        scope: MaintenanceScope::All,
        mode: spec.mode,
        timing: spec.timing.clone(),
    })
}
