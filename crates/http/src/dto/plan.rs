//! The answer of `POST /api/apply`: the plan, item by item, field by field.

use lookout_domain::manifest::{ApplyReport, SiteField, SiteStep};
use lookout_domain::{NewWebsite, Website};
use serde::Serialize;
use serde_json::Value;

use super::WebsiteResponse;

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
    /// as declared are only counted.
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
    /// The API resource (`websites`).
    resource: &'static str,
    action: PlanAction,
    key: String,
    /// The stored item's id (`null` for one to be created).
    id: Option<i64>,
    /// The site's url after the change (before it, for a deletion).
    url: String,
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
    /// As the API shows it (secrets masked); `null` for a creation.
    before: Value,
    after: Value,
}

impl PlanResponse {
    pub(crate) fn new(file: &str, report: &ApplyReport, dry_run: bool) -> Self {
        let plan = &report.plan;
        let mut summary = PlanSummary::default();
        let mut changes = Vec::new();
        for step in &plan.websites {
            match step {
                SiteStep::Create { key, item, .. } => {
                    summary.create += 1;
                    let after = shown(&preview(item, None));
                    let fields = ALL_FIELDS
                        .iter()
                        .map(|field| FieldChange {
                            field: field.as_str(),
                            before: Value::Null,
                            after: after.get(field.as_str()).cloned().unwrap_or(Value::Null),
                        })
                        .collect();
                    changes.push(change(
                        PlanAction::Create,
                        key.as_str(),
                        None,
                        item.url.given(),
                        fields,
                    ));
                }
                SiteStep::Update { key, current, item, fields, adopted, renamed_from, .. } => {
                    summary.update += 1;
                    let (before, after) = (shown(current), shown(&preview(item, Some(current))));
                    let fields = fields
                        .iter()
                        .map(|field| FieldChange {
                            field: field.as_str(),
                            before: before.get(field.as_str()).cloned().unwrap_or(Value::Null),
                            after: after.get(field.as_str()).cloned().unwrap_or(Value::Null),
                        })
                        .collect();
                    let mut change = change(
                        PlanAction::Update,
                        key.as_str(),
                        Some(current),
                        item.url.given(),
                        fields,
                    );
                    change.adopted = *adopted;
                    change.renamed_from = renamed_from.as_ref().map(|k| k.as_str().to_owned());
                    changes.push(change);
                }
                SiteStep::Unchanged { .. } => summary.unchanged += 1,
                SiteStep::Delete { key, current } | SiteStep::Orphaned { key, current } => {
                    let action = if matches!(step, SiteStep::Delete { .. }) {
                        summary.delete += 1;
                        PlanAction::Delete
                    } else {
                        summary.orphaned += 1;
                        PlanAction::Orphaned
                    };
                    let url = current.url.given();
                    changes.push(change(action, key.as_str(), Some(current), url, Vec::new()));
                }
            }
        }
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

/// Every field of a site, in the API's order (a creation lists them all).
const ALL_FIELDS: [SiteField; 11] = [
    SiteField::Url,
    SiteField::Name,
    SiteField::Enabled,
    SiteField::CheckInterval,
    SiteField::Alerts,
    SiteField::Request,
    SiteField::Assertions,
    SiteField::DegradedAbove,
    SiteField::Public,
    SiteField::Regions,
    SiteField::Quorum,
];

fn change(
    action: PlanAction,
    key: &str,
    current: Option<&Website>,
    url: &str,
    fields: Vec<FieldChange>,
) -> PlannedChange {
    PlannedChange {
        resource: "websites",
        action,
        key: key.to_owned(),
        id: current.map(|site| site.id.get()),
        url: url.to_owned(),
        adopted: false,
        renamed_from: None,
        fields,
    }
}

/// A declared site as it will be stored (on `current`'s id and times, when it has one).
fn preview(item: &NewWebsite, current: Option<&Website>) -> Website {
    let (id, created_at, updated_at) = match current {
        Some(site) => (site.id, site.created_at, site.updated_at),
        None => (
            lookout_domain::WebsiteId::MIN,
            time::OffsetDateTime::UNIX_EPOCH,
            time::OffsetDateTime::UNIX_EPOCH,
        ),
    };
    Website {
        id,
        url: item.url.clone(),
        name: item.name.clone(),
        enabled: item.enabled,
        check_interval: item.check_interval,
        alerts: item.alerts.clone(),
        check: item.check.clone(),
        public: item.public,
        regions: item.regions.clone(),
        managed: None,
        created_at,
        updated_at,
    }
}

/// A site as the API shows it, as JSON fields.
fn shown(site: &Website) -> serde_json::Map<String, Value> {
    match serde_json::to_value(WebsiteResponse::from(site.clone())) {
        Ok(Value::Object(fields)) => fields,
        _ => serde_json::Map::new(),
    }
}
