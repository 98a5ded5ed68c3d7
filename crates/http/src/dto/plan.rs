//! The answer of `POST /api/apply`: the plan, item by item, field by field.

use lookout_domain::alerting::{Channel, NewChannel};
use lookout_domain::manifest::{
    ApplyReport, ChannelField, ChannelRef, Channels, DeclaredSite, ItemKind, SiteField, Sites,
    Step,
};
use lookout_domain::{NewWebsite, Website};
use serde::Serialize;
use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::{ChannelResponse, WebsiteResponse};

/// What applying a document did (or, for a dry run, would do).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct PlanResponse {
    /// The document's name.
    file: String,
    /// The mark its items carry (`file:<name>`).
    managed_by: String,
    dry_run: bool,
    prune: bool,
    /// Whether anything was written (`false` for a dry run or a plan with nothing to do).
    applied: bool,
    summary: PlanSummary,
    /// Every item created, updated, deleted, or left out of the file and kept; items already
    /// as declared are only counted. Channels come first, then sites.
    changes: Vec<PlannedChange>,
}

#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub(crate) struct PlanSummary {
    create: usize,
    update: usize,
    delete: usize,
    unchanged: usize,
    /// Made by the file, no longer listed, kept (apply with `prune` to delete them).
    orphaned: usize,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum PlanAction {
    Create,
    Update,
    Delete,
    Orphaned,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct PlannedChange {
    /// The API resource (`websites`, `channels`).
    resource: &'static str,
    action: PlanAction,
    key: String,
    /// The stored item's id (`null` for one to be created).
    id: Option<i64>,
    /// The item's name after the change (before it, for a deletion).
    name: String,
    /// A site's url after the change (before it, for a deletion); `null` for a channel.
    url: Option<String>,
    /// The file takes the item over from the API (`adopt: true`).
    adopted: bool,
    /// The key the file knew the item by, when it changed.
    renamed_from: Option<String>,
    /// For a creation, every field given; for an update, the fields that change.
    fields: Vec<FieldChange>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct FieldChange {
    field: &'static str,
    /// As the API shows it (secrets masked); `null` for a creation. A channel the same
    /// document makes is named by its key.
    before: Value,
    after: Value,
}

impl PlanResponse {
    pub(crate) fn new(file: &str, report: &ApplyReport, dry_run: bool) -> Self {
        let plan = &report.plan;
        let mut summary = PlanSummary::default();
        let mut changes = Vec::new();
        add::<Channels>(&plan.channels, &mut summary, &mut changes);
        add::<Sites>(&plan.websites, &mut summary, &mut changes);
        Self {
            file: file.to_owned(),
            managed_by: plan.owner.to_string(),
            dry_run,
            prune: plan.prune,
            applied: report.applied,
            summary,
            changes,
        }
    }
}

/// How a kind of item is shown in a plan: as the API shows it.
trait Shown: ItemKind {
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

fn add<K: Shown>(steps: &[Step<K>], summary: &mut PlanSummary, changes: &mut Vec<PlannedChange>) {
    for step in steps {
        let (action, shown_after, current, fields) = match step {
            Step::Create { item, .. } => {
                summary.create += 1;
                let after = K::declared(item, None);
                let fields = K::CREATED
                    .iter()
                    .map(|field| FieldChange {
                        field,
                        before: Value::Null,
                        after: after.get(*field).cloned().unwrap_or(Value::Null),
                    })
                    .collect();
                (PlanAction::Create, after, None, fields)
            }
            Step::Update { current, item, fields, .. } => {
                summary.update += 1;
                let (before, after) = (K::stored(current), K::declared(item, Some(current)));
                let fields = fields
                    .iter()
                    .map(|field| {
                        let name = K::field_name(*field);
                        FieldChange {
                            field: name,
                            before: before.get(name).cloned().unwrap_or(Value::Null),
                            after: after.get(name).cloned().unwrap_or(Value::Null),
                        }
                    })
                    .collect();
                (PlanAction::Update, after, Some(current), fields)
            }
            Step::Unchanged { .. } => {
                summary.unchanged += 1;
                continue;
            }
            Step::Delete { current, .. } => {
                summary.delete += 1;
                (PlanAction::Delete, K::stored(current), Some(current), Vec::new())
            }
            Step::Orphaned { current, .. } => {
                summary.orphaned += 1;
                (PlanAction::Orphaned, K::stored(current), Some(current), Vec::new())
            }
        };
        let (name, url) = K::name_and_url(&shown_after);
        let (adopted, renamed_from) = match step {
            Step::Update { adopted, renamed_from, .. } => {
                (*adopted, renamed_from.as_ref().map(|k| k.as_str().to_owned()))
            }
            _ => (false, None),
        };
        changes.push(PlannedChange {
            resource: K::LIST,
            action,
            key: step.key().as_str().to_owned(),
            id: current.map(|current| K::stored_id(current)),
            name,
            url,
            adopted,
            renamed_from,
            fields,
        });
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
                shown.insert("alerts".into(), serde_json::to_value(&item.alerts).unwrap_or_default());
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
        let (id, created_at, updated_at) = times(current.map(|c| (c.id, c.created_at, c.updated_at)));
        Self::stored(&Channel {
            id: id.unwrap_or(lookout_domain::alerting::ChannelId::MIN),
            name: item.name.clone(),
            config: item.config.clone(),
            is_default: item.is_default,
            managed: None,
            created_at,
            updated_at,
        })
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
fn times<I>(stored: Option<(I, OffsetDateTime, OffsetDateTime)>) -> (Option<I>, OffsetDateTime, OffsetDateTime) {
    match stored {
        Some((id, created_at, updated_at)) => (Some(id), created_at, updated_at),
        None => (None, OffsetDateTime::UNIX_EPOCH, OffsetDateTime::UNIX_EPOCH),
    }
}

/// A declared site as it will be stored (on `current`'s id and times, when it has one).
fn preview(item: NewWebsite, current: Option<&Website>) -> Website {
    let (id, created_at, updated_at) = times(current.map(|s| (s.id, s.created_at, s.updated_at)));
    Website {
        id: id.unwrap_or(lookout_domain::WebsiteId::MIN),
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
