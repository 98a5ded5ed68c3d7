//! The apply use case: plan a document against what is stored, write the plan all or nothing,
//! keep the schedule in step.

use std::future::Future;

use super::plan::{Plan, SiteStep, plan_sites};
use super::site_diff::replacing_patch;
use super::{
    ApplyError, Document, Managed, ManifestRepository, ManifestWriteError, Owner, PlanError,
    SiteWrite, SiteWritten,
};
use crate::Clock;
use crate::website::{
    ListWebsitesError, Schedule, ScheduleChange, WebsiteRepository, WebsiteService,
};

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
        let blocked: Vec<PlanError> = document
            .websites
            .iter()
            .enumerate()
            .filter_map(|(index, site)| {
                self.blocked(&site.item.url).map(|ip| PlanError::BlockedAddress { index, ip })
            })
            .collect();
        if !blocked.is_empty() {
            return Err(ApplyError::Invalid(blocked));
        }
        for attempt in 1..=ATTEMPTS {
            let stored = self.repository.list_websites().await.map_err(|error| match error {
                ListWebsitesError::Unavailable(e) => ApplyError::Unavailable(e),
                ListWebsitesError::Unknown(e) => ApplyError::Unknown(e),
            })?;
            let steps = plan_sites(&document.websites, &stored, &options.owner, options.prune)
                .map_err(ApplyError::Invalid)?;
            let plan = Plan { owner: options.owner.clone(), prune: options.prune, websites: steps };
            if options.dry_run || !plan.has_changes() {
                return Ok(ApplyReport { plan, applied: false });
            }
            let (writes, indexes) = writes_of(&plan);
            match self.repository.write_sites(&writes, self.clock.now()).await {
                Ok(written) => {
                    self.follow(&written).await;
                    let (created, updated, deleted) = plan.counts();
                    tracing::info!(owner = %plan.owner, created, updated, deleted, "Document applied");
                    return Ok(ApplyReport { plan, applied: true });
                }
                Err(ManifestWriteError::Stale) => {
                    tracing::debug!(attempt, "Sites changed under the plan; planning again");
                }
                Err(ManifestWriteError::DuplicateUrl { at }) if attempt == ATTEMPTS => {
                    let index = indexes.get(at).copied().flatten().unwrap_or_default();
                    return Err(ApplyError::Invalid(vec![PlanError::UrlTaken { index }]));
                }
                Err(ManifestWriteError::DuplicateUrl { .. }) => {
                    tracing::debug!(attempt, "A url was taken under the plan; planning again");
                }
                Err(ManifestWriteError::UnknownChannels { at, ids }) => {
                    let index = indexes.get(at).copied().flatten().unwrap_or_default();
                    return Err(ApplyError::Invalid(vec![PlanError::UnknownChannels {
                        index,
                        ids,
                    }]));
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

/// The writes of a plan — deletes, then updates, then creates, so a url freed by one can be
/// taken by another — and the declared item each comes from.
fn writes_of(plan: &Plan) -> (Vec<SiteWrite>, Vec<Option<usize>>) {
    let managed = |key: &super::ItemKey| Managed { by: plan.owner.clone(), key: key.clone() };
    let mut deletes = Vec::new();
    let mut updates = Vec::new();
    let mut creates = Vec::new();
    for step in &plan.websites {
        match step {
            SiteStep::Delete { current, .. } => deletes
                .push((SiteWrite::Delete { id: current.id, read_at: current.updated_at }, None)),
            SiteStep::Update { index, key, current, item, .. } => updates.push((
                SiteWrite::Update {
                    id: current.id,
                    read_at: current.updated_at,
                    patch: replacing_patch(item),
                    managed: managed(key),
                },
                Some(*index),
            )),
            SiteStep::Create { index, key, item } => creates.push((
                SiteWrite::Create { site: item.clone(), managed: managed(key) },
                Some(*index),
            )),
            SiteStep::Unchanged { .. } | SiteStep::Orphaned { .. } => {}
        }
    }
    deletes.into_iter().chain(updates).chain(creates).unzip()
}

#[cfg(test)]
#[path = "service_tests.rs"]
mod tests;
