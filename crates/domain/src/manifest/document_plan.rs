//! A whole document's plan: its channels first, then its sites (whose alerts may name those
//! channels by key), then its maintenance windows and status pages (which may name those
//! sites by key).

use std::collections::{HashMap, HashSet};

use super::plan::{Step, counts, plan_items};
use super::{
    ChannelRef, Channels, Declared, DeclaredSite, Document, ItemKey, MaintenanceWindows, Owner,
    Pages, PlanError, PlanProblem, Ref, SiteRef, Sites, StoredItems,
};
use crate::WebsiteId;
use crate::alerting::ChannelId;

/// What happens to one site.
pub type SiteStep = Step<Sites>;
/// What happens to one channel.
pub type ChannelStep = Step<Channels>;
/// What happens to one maintenance window.
pub type MaintenanceStep = Step<MaintenanceWindows>;
/// What happens to one status page.
pub type StatusPageStep = Step<Pages>;

/// A document's plan against what is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub owner: Owner,
    pub prune: bool,
    pub channels: Vec<ChannelStep>,
    pub websites: Vec<SiteStep>,
    pub maintenance: Vec<MaintenanceStep>,
    pub status_pages: Vec<StatusPageStep>,
}

impl Plan {
    /// Whether applying the plan changes anything at all.
    pub fn has_changes(&self) -> bool {
        self.channels.iter().any(Step::writes)
            || self.websites.iter().any(Step::writes)
            || self.maintenance.iter().any(Step::writes)
            || self.status_pages.iter().any(Step::writes)
    }

    /// Whether applying the plan changes a maintenance window.
    pub fn changes_maintenance(&self) -> bool {
        self.maintenance.iter().any(Step::writes)
    }

    /// How many items are created, updated and deleted.
    pub fn counts(&self) -> (usize, usize, usize) {
        [
            counts(&self.channels),
            counts(&self.websites),
            counts(&self.maintenance),
            counts(&self.status_pages),
        ]
        .into_iter()
        .fold((0, 0, 0), |(a, b, c), (d, e, f)| (a + d, b + e, c + f))
    }
}

/// Plans every list of the document; every problem in any of them is the error.
pub fn plan_document(
    document: &Document,
    stored: &StoredItems,
    owner: &Owner,
    prune: bool,
) -> Result<Plan, Vec<PlanError>> {
    let mut errors = Vec::new();
    let channels = plan_items::<Channels>(&document.channels, &stored.channels, owner, prune)
        .map_err(|mut e| errors.append(&mut e))
        .ok();
    let (websites, mut unknown) = named_channels(document, channels.as_deref());
    errors.append(&mut unknown);
    let websites = plan_items::<Sites>(&websites, &stored.websites, owner, prune)
        .map_err(|mut e| errors.append(&mut e))
        .ok();
    let sites = SiteNames::new(document, websites.as_deref(), &stored.websites);
    let maintenance =
        sites.resolve(&document.maintenance, "maintenance", &mut errors, |item, name| {
            item.try_map_sites(name)
        });
    let maintenance =
        plan_items::<MaintenanceWindows>(&maintenance, &stored.maintenance, owner, prune)
            .map_err(|mut e| errors.append(&mut e))
            .ok();
    let pages = sites.resolve(&document.status_pages, "status_pages", &mut errors, |item, name| {
        item.try_map_sites(name)
    });
    let status_pages = plan_items::<Pages>(&pages, &stored.status_pages, owner, prune)
        .map_err(|mut e| errors.append(&mut e))
        .ok();
    match (channels, websites, maintenance, status_pages) {
        (Some(channels), Some(websites), Some(maintenance), Some(status_pages))
            if errors.is_empty() =>
        {
            Ok(Plan { owner: owner.clone(), prune, channels, websites, maintenance, status_pages })
        }
        _ => Err(errors),
    }
}

/// The sites a document's other items may name by key: those it declares, by the id of the
/// stored site each is planned on (none for one it makes).
struct SiteNames<'a> {
    declared: HashSet<&'a ItemKey>,
    stored: HashMap<&'a ItemKey, WebsiteId>,
    /// Every stored site's id: an item may name only those by id.
    ids: HashSet<WebsiteId>,
}

impl<'a> SiteNames<'a> {
    fn new(
        document: &'a Document,
        steps: Option<&'a [SiteStep]>,
        stored_sites: &[crate::Website],
    ) -> Self {
        let declared = document.websites.iter().map(|site| &site.key).collect();
        let stored = steps
            .unwrap_or_default()
            .iter()
            .filter_map(|step| {
                let id = step.stored_id().and_then(|id| WebsiteId::new(id).ok())?;
                Some((step.key(), id))
            })
            .collect();
        let ids = stored_sites.iter().map(|site| site.id).collect();
        Self { declared, stored, ids }
    }

    /// The items of `list` with every site named by key that is stored named by its id
    /// instead (those made by this apply keep their key); every key the document does not
    /// declare is a problem.
    fn resolve<T: Clone>(
        &self,
        items: &[Declared<T>],
        list: &'static str,
        errors: &mut Vec<PlanError>,
        map: impl Fn(
            &T,
            &mut dyn FnMut(&SiteRef) -> Result<SiteRef, PlanProblem>,
        ) -> Result<T, PlanProblem>,
    ) -> Vec<Declared<T>> {
        items
            .iter()
            .enumerate()
            .map(|(index, declared)| {
                let mut name = |named: &SiteRef| match named {
                    Ref::Key(key) if !self.declared.contains(key) => {
                        Err(PlanProblem::UnknownKey { key: key.clone(), list: "websites" })
                    }
                    Ref::Key(key) => Ok(self
                        .stored
                        .get(key)
                        .map_or_else(|| Ref::Key(key.clone()), |id| Ref::Id(*id))),
                    Ref::Id(id) if !self.ids.contains(id) => {
                        Err(PlanProblem::UnknownWebsite { id: *id })
                    }
                    Ref::Id(id) => Ok(Ref::Id(*id)),
                };
                let item = map(&declared.item, &mut name).unwrap_or_else(|problem| {
                    errors.push(PlanError::at(list, index, "websites", problem));
                    declared.item.clone()
                });
                Declared { key: declared.key.clone(), adopt: declared.adopt, item }
            })
            .collect()
    }
}

/// The declared sites with every channel named by key that is already stored named by its id
/// instead (those made by this apply keep their key), and every key the document does not
/// declare as a problem.
fn named_channels(
    document: &Document,
    steps: Option<&[ChannelStep]>,
) -> (Vec<Declared<DeclaredSite>>, Vec<PlanError>) {
    let declared: HashSet<&ItemKey> = document.channels.iter().map(|c| &c.key).collect();
    let stored: HashMap<&ItemKey, ChannelId> = steps
        .unwrap_or_default()
        .iter()
        .filter_map(|step| {
            let id = step.stored_id().and_then(|id| ChannelId::new(id).ok())?;
            Some((step.key(), id))
        })
        .collect();
    let mut errors = Vec::new();
    let sites = document
        .websites
        .iter()
        .enumerate()
        .map(|(index, site)| {
            let item = site.item.try_map_channels(|named| match named {
                ChannelRef::Key(key) if !declared.contains(key) => {
                    let problem = PlanProblem::UnknownKey { key: key.clone(), list: "channels" };
                    Err(PlanError::at("websites", index, "alerts.channels", problem))
                }
                ChannelRef::Key(key) => Ok(stored
                    .get(key)
                    .map_or_else(|| ChannelRef::Key(key.clone()), |id| ChannelRef::Id(*id))),
                ChannelRef::Id(id) => Ok(ChannelRef::Id(*id)),
            });
            let item = item.unwrap_or_else(|error| {
                errors.push(error);
                site.item.clone()
            });
            Declared { key: site.key.clone(), adopt: site.adopt, item }
        })
        .collect();
    (sites, errors)
}

#[cfg(test)]
#[path = "document_plan_tests.rs"]
mod tests;
