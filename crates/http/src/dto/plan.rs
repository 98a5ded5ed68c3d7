//! The answer of `POST /api/apply`: the plan, item by item, field by field.

use lookout_domain::manifest::{ApplyReport, Channels, MaintenanceWindows, Pages, Sites, Step};
use serde::Serialize;
use serde_json::Value;

use super::plan_shown::Shown;

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
    /// as declared are only counted. Channels come first, then sites, maintenance windows and
    /// status pages.
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
    /// The API resource (`channels`, `websites`, `maintenance`, `status_pages`).
    resource: &'static str,
    action: PlanAction,
    key: String,
    /// The stored item's id (`null` for one to be created).
    id: Option<i64>,
    /// The item's name (a status page's title) after the change (before it, for a deletion).
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
        add::<MaintenanceWindows>(&plan.maintenance, &mut summary, &mut changes);
        add::<Pages>(&plan.status_pages, &mut summary, &mut changes);
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
