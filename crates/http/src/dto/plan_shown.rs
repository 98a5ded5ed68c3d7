//! How each kind of item is shown in a plan: as the API shows it, a declared item on the
//! stored one's id and times (items the same apply makes, named by key).

use lookout_domain::alerting::{Channel, ChannelId, NewChannel};
use lookout_domain::maintenance::{MaintenanceScope, MaintenanceSpec, MaintenanceWindow};
use lookout_domain::manifest::{
    ChannelField, ChannelRef, Channels, DeclaredMaintenance, DeclaredSite, DeclaredStatusPage,
    ItemKind, MaintenanceWindows, Pages, SiteField, SiteRef, Sites,
};
use lookout_domain::status_pages::StatusPage;
use lookout_domain::{NewWebsite, Website, WebsiteId};
use serde::Serialize;
use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::{ChannelResponse, MaintenanceResponse, StatusPageResponse, WebsiteResponse};

/// How a kind of item is shown in a plan: as the API shows it.
pub(super) trait Shown: ItemKind {
    /// Every field a creation lists, in the API's order.
    const CREATED: &'static [&'static str];
    fn field_name(field: Self::Field) -> &'static str;
    fn stored(current: &Self::Stored) -> Map<String, Value>;
    /// A declared item as it will be stored (on `current`'s id and times, when it has one).
    fn declared(item: &Self::Item, current: Option<&Self::Stored>) -> Map<String, Value>;
    fn name_and_url(fields: &Map<String, Value>) -> (String, Option<String>) {
        let text = |name: &str| fields.get(name).and_then(Value::as_str).map(str::to_owned);
        (text("name").unwrap_or_default(), text("url"))
    }
}

impl Shown for Sites {
    const CREATED: &'static [&'static str] = &[
        "url",
        "name",
        "enabled",
        "check_interval",
        "alerts",
        "request",
        "assertions",
        "degraded_above_ms",
        "public",
        "regions",
        "quorum",
    ];

    fn field_name(field: SiteField) -> &'static str {
        field.as_str()
    }

    fn stored(current: &Website) -> Map<String, Value> {
        fields_of(WebsiteResponse::from(current.clone()))
    }

    fn declared(item: &DeclaredSite, current: Option<&Website>) -> Map<String, Value> {
        // Channels this apply makes have no id yet: the site is shown without its alerts,
        // which are then shown as declared (those channels by key).
        let by_id = item.try_map_channels(|named| match named {
            ChannelRef::Id(id) => Ok(*id),
            ChannelRef::Key(_) => Err(()),
        });
        match by_id {
            Ok(site) => Self::stored(&preview(site, current)),
            Err(()) => {
                let mut shown = Self::stored(&preview(site_of(item), current));
                shown.insert(
                    "alerts".into(),
                    serde_json::to_value(&item.alerts).unwrap_or_default(),
                );
                shown
            }
        }
    }
}

impl Shown for Channels {
    const CREATED: &'static [&'static str] = &["name", "kind", "config", "default"];

    fn field_name(field: ChannelField) -> &'static str {
        field.as_str()
    }

    fn stored(current: &Channel) -> Map<String, Value> {
        fields_of(ChannelResponse::from(current.clone()))
    }

    fn declared(item: &NewChannel, current: Option<&Channel>) -> Map<String, Value> {
        let (id, created_at, updated_at) =
            times(current.map(|c| (c.id, c.created_at, c.updated_at)));
        Self::stored(&Channel {
            id: id.unwrap_or(ChannelId::MIN),
            name: item.name.clone(),
            config: item.config.clone(),
            is_default: item.is_default,
            managed: None,
            created_at,
            updated_at,
        })
    }
}

impl Shown for MaintenanceWindows {
    const CREATED: &'static [&'static str] = &[
        "name",
        "all",
        "websites",
        "mode",
        "starts_at",
        "ends_at",
        "schedule",
        "duration_secs",
        "timezone",
        "from",
        "until",
    ];

    fn field_name(field: &'static str) -> &'static str {
        field
    }

    fn stored(current: &MaintenanceWindow) -> Map<String, Value> {
        // Only the window's own fields are shown: where it stands now does not matter.
        fields_of(MaintenanceResponse::at(current.clone(), OffsetDateTime::UNIX_EPOCH))
    }

    fn declared(
        item: &DeclaredMaintenance,
        current: Option<&MaintenanceWindow>,
    ) -> Map<String, Value> {
        let (id, created_at, updated_at) =
            times(current.map(|w| (w.id, w.created_at, w.updated_at)));
        let by_id = item.try_map_sites(|named: &SiteRef| named.id().ok_or(()));
        let spec = by_id.clone().unwrap_or_else(|()| MaintenanceSpec {
            name: item.name.clone(),
            scope: MaintenanceScope::Websites(Vec::new()),
            mode: item.mode,
            timing: item.timing.clone(),
        });
        let mut shown = Self::stored(&MaintenanceWindow {
            id: id.unwrap_or(lookout_domain::alerting::MaintenanceId::MIN),
            spec,
            managed: None,
            created_at,
            updated_at,
        });
        if by_id.is_err()
            && let MaintenanceScope::Websites(sites) = &item.scope
        {
            shown.insert("websites".into(), serde_json::to_value(sites).unwrap_or_default());
        }
        shown
    }
}

impl Shown for Pages {
    const CREATED: &'static [&'static str] = &["slug", "title", "description", "websites"];

    fn field_name(field: &'static str) -> &'static str {
        field
    }

    fn stored(current: &StatusPage) -> Map<String, Value> {
        fields_of(StatusPageResponse::from(current.clone()))
    }

    fn declared(item: &DeclaredStatusPage, current: Option<&StatusPage>) -> Map<String, Value> {
        let (id, created_at, updated_at) =
            times(current.map(|p| (p.id, p.created_at, p.updated_at)));
        let by_id = item.try_map_sites(|named: &SiteRef| named.id().ok_or(()));
        let mut shown = Self::stored(&StatusPage {
            id: id.unwrap_or_default(),
            slug: item.slug.clone(),
            title: item.title.clone(),
            description: item.description.clone(),
            websites: by_id.clone().map(|spec| spec.websites).unwrap_or_default(),
            managed: None,
            created_at,
            updated_at,
        });
        if by_id.is_err() {
            shown.insert(
                "websites".into(),
                serde_json::to_value(&item.websites).unwrap_or_default(),
            );
        }
        shown
    }

    fn name_and_url(fields: &Map<String, Value>) -> (String, Option<String>) {
        let title = fields.get("title").and_then(Value::as_str).unwrap_or_default();
        (title.to_owned(), None)
    }
}

/// A declared site's fields other than its alerts, its channels named by id.
fn site_of(item: &DeclaredSite) -> NewWebsite {
    NewWebsite {
        url: item.url.clone(),
        name: item.name.clone(),
        enabled: item.enabled,
        check_interval: item.check_interval,
        alerts: None,
        check: item.check.clone(),
        public: item.public,
        regions: item.regions.clone(),
    }
}

/// The stored item's id and times, or placeholders for one to be made.
fn times<I>(
    stored: Option<(I, OffsetDateTime, OffsetDateTime)>,
) -> (Option<I>, OffsetDateTime, OffsetDateTime) {
    match stored {
        Some((id, created_at, updated_at)) => (Some(id), created_at, updated_at),
        None => (None, OffsetDateTime::UNIX_EPOCH, OffsetDateTime::UNIX_EPOCH),
    }
}

/// A declared site as it will be stored (on `current`'s id and times, when it has one).
fn preview(item: NewWebsite, current: Option<&Website>) -> Website {
    let (id, created_at, updated_at) = times(current.map(|s| (s.id, s.created_at, s.updated_at)));
    Website {
        id: id.unwrap_or(WebsiteId::MIN),
        url: item.url,
        name: item.name,
        enabled: item.enabled,
        check_interval: item.check_interval,
        alerts: item.alerts,
        check: item.check,
        public: item.public,
        regions: item.regions,
        managed: None,
        created_at,
        updated_at,
    }
}

/// A response's JSON fields.
fn fields_of(response: impl Serialize) -> Map<String, Value> {
    match serde_json::to_value(response) {
        Ok(Value::Object(fields)) => fields,
        _ => Map::new(),
    }
}
