//! The apply use case: plan a document against what is stored, write the plan all or nothing,
//! keep the schedule in step.

use std::future::Future;

use super::plan::{ItemKind, Step};
use super::{
    ApplyError, Document, ItemKey, ItemWrite, Managed, ManifestReadError, ManifestRepository,
    ManifestWriteError, ManifestWrites, Owner, Plan, PlanError, PlanProblem, SiteWrite,
    SiteWritten, plan_document,
};
use crate::Clock;
use crate::website::{Schedule, ScheduleChange, WebsiteRepository, WebsiteService};

/// How often a plan is made again when the sites changed under it before it was written.
const ATTEMPTS: usize = 3;

/// How a document is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyOptions {
    /// The file the document is; its items are marked with it.
    pub owner: Owner,
    /// Delete the sites the file made and no longer lists.
    pub prune: bool,
    /// Plan only; write nothing.
    pub dry_run: bool,
}

/// The plan, and whether it was written (not for a dry run or a plan with nothing to do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyReport {
    pub plan: Plan,
    pub applied: bool,
}

/// Monitoring as code, as the inbound adapters (the API, the file watcher) see it.
pub trait Manifest: Send + Sync + 'static {
    fn apply(
        &self,
        document: Document,
        options: ApplyOptions,
    ) -> impl Future<Output = Result<ApplyReport, ApplyError>> + Send;
}

impl<R, S, C> Manifest for WebsiteService<R, S, C>
where
    R: WebsiteRepository + ManifestRepository,
    S: Schedule,
    C: Clock,
{
    async fn apply(
        &self,
        document: Document,
        options: ApplyOptions,
    ) -> Result<ApplyReport, ApplyError> {
        let blocked = self.blocked_addresses(&document);
        if !blocked.is_empty() {
            return Err(ApplyError::Invalid(blocked));
        }
        for attempt in 1..=ATTEMPTS {
            let stored = self.repository.stored_items().await.map_err(|error| match error {
                ManifestReadError::Unavailable(e) => ApplyError::Unavailable(e),
                ManifestReadError::Unknown(e) => ApplyError::Unknown(e),
            })?;
            let plan = plan_document(&document, &stored, &options.owner, options.prune)
                .map_err(ApplyError::Invalid)?;
            if options.dry_run || !plan.has_changes() {
                return Ok(ApplyReport { plan, applied: false });
            }
            let (writes, indexes) = writes_of(&plan);
            let site_at = |at: usize| indexes.get(at).copied().flatten().unwrap_or_default();
            let invalid = |index, field, problem| {
                ApplyError::Invalid(vec![PlanError::at("websites", index, field, problem)])
            };
            match self.repository.write(&writes, self.clock.now()).await {
                Ok(written) => {
                    self.follow(&written).await;
                    if plan.changes_maintenance() {
                        self.maintenance_changed();
                    }
                    let (created, updated, deleted) = plan.counts();
                    tracing::info!(owner = %plan.owner, created, updated, deleted, "Document applied");
                    return Ok(ApplyReport { plan, applied: true });
                }
                Err(ManifestWriteError::Stale) => {
                    tracing::debug!(attempt, "Items changed under the plan; planning again");
                }
                Err(ManifestWriteError::DuplicateUrl { at }) if attempt == ATTEMPTS => {
                    return Err(invalid(site_at(at), "url", PlanProblem::IdentityTaken));
                }
                Err(ManifestWriteError::DuplicateUrl { .. }) => {
                    tracing::debug!(attempt, "A url was taken under the plan; planning again");
                }
                Err(ManifestWriteError::UnknownChannels { at, ids }) => {
                    let problem = PlanProblem::UnknownChannels { ids };
                    return Err(invalid(site_at(at), "alerts.channels", problem));
                }
                Err(
                    ManifestWriteError::DuplicateSlug | ManifestWriteError::UnknownSiteKey { .. },
                ) => {
                    tracing::debug!(attempt, "Items changed under the plan; planning again");
                }
                Err(ManifestWriteError::UnknownChannelKey { at, key }) => {
                    let problem = PlanProblem::UnknownKey { key, list: "channels" };
                    return Err(invalid(site_at(at), "alerts.channels", problem));
                }
                Err(ManifestWriteError::ChannelInUse { id, websites }) => {
                    let key = plan
                        .channels
                        .iter()
                        .find(|step| step.stored_id() == Some(id.get()))
                        .map(|step| step.key().clone());
                    let Some(key) = key else { return Err(ApplyError::Contended) };
                    let problem = PlanProblem::ChannelInUse { key, websites };
                    let error = PlanError { list: "channels", index: None, field: "key", problem };
                    return Err(ApplyError::Invalid(vec![error]));
                }
                Err(ManifestWriteError::Unavailable(e)) => return Err(ApplyError::Unavailable(e)),
                Err(ManifestWriteError::Unknown(e)) => return Err(ApplyError::Unknown(e)),
            }
        }
        Err(ApplyError::Contended)
    }
}

impl<R, S, C> WebsiteService<R, S, C>
where
    R: WebsiteRepository,
    S: Schedule,
    C: Clock,
{
    /// Every declared url the address policy refuses.
    fn blocked_addresses(&self, document: &Document) -> Vec<PlanError> {
        let sites = document.websites.iter().enumerate().filter_map(|(index, site)| {
            let ip = self.blocked(&site.item.url)?;
            Some(PlanError::at("websites", index, "url", PlanProblem::BlockedAddress { ip }))
        });
        let channels = document.channels.iter().enumerate().filter_map(|(index, channel)| {
            let (field, ip) = self.blocked_channel(&channel.item.config)?;
            Some(PlanError::at("channels", index, field, PlanProblem::BlockedAddress { ip }))
        });
        channels.chain(sites).collect()
    }

    /// Tells the schedule what the writes changed.
    async fn follow(&self, written: &[SiteWritten]) {
        for write in written {
            match write {
                SiteWritten::Created(site) if site.enabled => self.schedule.add(site).await,
                SiteWritten::Created(_) => {}
                SiteWritten::Updated(updated) => match updated.schedule_change() {
                    ScheduleChange::Add => self.schedule.add(&updated.after).await,
                    ScheduleChange::Remove => self.schedule.remove(updated.after.id).await,
                    ScheduleChange::Reschedule => self.schedule.reschedule(&updated.after).await,
                    ScheduleChange::Nothing => {}
                },
                SiteWritten::Deleted(id) => self.schedule.remove(*id).await,
            }
        }
    }
}

/// The writes of a plan — channels made and changed; sites deleted, then changed, then made
/// (so a url freed by one can be taken by another); channels deleted; maintenance windows and
/// status pages, deletions first — and the declared site each site write comes from.
fn writes_of(plan: &Plan) -> (ManifestWrites, Vec<Option<usize>>) {
    let owner = &plan.owner;
    let (mut channels, mut channel_deletes) =
        item_writes(&plan.channels, owner, |c| (c.id, c.updated_at));
    channels.append(&mut channel_deletes);
    let (maintenance, mut deletes) =
        item_writes(&plan.maintenance, owner, |w| (w.id, w.updated_at));
    deletes.extend(maintenance);
    let maintenance = deletes;
    let (pages, mut deletes) = item_writes(&plan.status_pages, owner, |p| (p.id, p.updated_at));
    deletes.extend(pages);
    let status_pages = deletes;
    let mut deletes = Vec::new();
    let mut updates = Vec::new();
    let mut creates = Vec::new();
    for step in &plan.websites {
        match step {
            Step::Delete { current, .. } => deletes
                .push((SiteWrite::Delete { id: current.id, read_at: current.updated_at }, None)),
            Step::Update { index, key, current, item, .. } => updates.push((
                SiteWrite::Update {
                    id: current.id,
                    read_at: current.updated_at,
                    site: item.clone(),
                    managed: managed(owner, key),
                },
                Some(*index),
            )),
            Step::Create { index, key, item } => creates.push((
                SiteWrite::Create { site: item.clone(), managed: managed(owner, key) },
                Some(*index),
            )),
            Step::Unchanged { .. } | Step::Orphaned { .. } => {}
        }
    }
    let (sites, indexes) = deletes.into_iter().chain(updates).chain(creates).unzip();
    let writes =
        ManifestWrites { owner: owner.clone(), channels, sites, maintenance, status_pages };
    (writes, indexes)
}

fn managed(owner: &Owner, key: &ItemKey) -> Managed {
    Managed { by: owner.clone(), key: key.clone() }
}

/// Writes of one kind of item.
type Writes<K, I> = Vec<ItemWrite<<K as ItemKind>::Item, I>>;

/// The writes of one kind's steps: creations and updates, then deletions apart. `stamp`
/// gives a stored item's id and the `updated_at` the plan read.
fn item_writes<K: ItemKind, I>(
    steps: &[Step<K>],
    owner: &Owner,
    stamp: impl Fn(&K::Stored) -> (I, time::OffsetDateTime),
) -> (Writes<K, I>, Writes<K, I>) {
    let mut writes = Vec::new();
    let mut deletes = Vec::new();
    for step in steps {
        match step {
            Step::Create { key, item, .. } => {
                writes.push(ItemWrite::Create { item: item.clone(), managed: managed(owner, key) })
            }
            Step::Update { key, current, item, .. } => {
                let (id, read_at) = stamp(current);
                let managed = managed(owner, key);
                writes.push(ItemWrite::Update { id, read_at, item: item.clone(), managed });
            }
            Step::Delete { current, .. } => {
                let (id, read_at) = stamp(current);
                deletes.push(ItemWrite::Delete { id, read_at });
            }
            Step::Unchanged { .. } | Step::Orphaned { .. } => {}
        }
    }
    (writes, deletes)
}

#[cfg(test)]
#[path = "service_tests.rs"]
mod tests;
