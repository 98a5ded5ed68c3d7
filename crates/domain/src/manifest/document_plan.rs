//! A whole document's plan: its channels first, then its sites (whose alerts may name those
//! channels by key), then its maintenance windows and status pages (which may name those
//! sites by key).

use std::collections::{HashMap, HashSet};

use super::plan::{ItemKind, Step, counts, plan_items};
use super::{
    Channels, Declared, Document, ItemKey, MaintenanceWindows, Owner, Pages, PlanError,
    PlanProblem, Ref, Sites, StoredItems,
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
    // Channel ids are checked where the sites are written (a channel may go meanwhile).
    let channel_names = Names::new("channels", &document.channels, channels.as_deref(), None);
    let websites = channel_names.resolve(
        &document.websites,
        "websites",
        "alerts.channels",
        &mut errors,
        |site, name| site.try_map_channels(name),
    );
    let websites = plan_items::<Sites>(&websites, &stored.websites, owner, prune)
        .map_err(|mut e| errors.append(&mut e))
        .ok();
    let ids = stored.websites.iter().map(|site| site.id).collect();
    let site_names = Names::new("websites", &document.websites, websites.as_deref(), Some(ids));
    let maintenance = site_names.resolve(
        &document.maintenance,
        "maintenance",
        "websites",
        &mut errors,
        |item, name| item.try_map_sites(name),
    );
    let maintenance =
        plan_items::<MaintenanceWindows>(&maintenance, &stored.maintenance, owner, prune)
            .map_err(|mut e| errors.append(&mut e))
            .ok();
    let pages = site_names.resolve(
        &document.status_pages,
        "status_pages",
        "websites",
        &mut errors,
        |item, name| item.try_map_sites(name),
    );
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

/// The items of one list (channels, sites) that the document's other items may name by key:
/// those it declares, by the id of the stored item each is planned on (none for one it makes).
struct Names<'a, I> {
    list: &'static str,
    declared: HashSet<&'a ItemKey>,
    stored: HashMap<&'a ItemKey, I>,
    /// When given, the only ids an item may name.
    ids: Option<HashSet<I>>,
}

/// An id of the kind a [`Names`] resolves.
trait NamedId: Copy + Eq + std::hash::Hash + Sized {
    fn from_stored(raw: i64) -> Option<Self>;
    fn unknown(self) -> PlanProblem;
}

impl NamedId for WebsiteId {
    fn from_stored(raw: i64) -> Option<Self> {
        WebsiteId::new(raw).ok()
    }

    fn unknown(self) -> PlanProblem {
        PlanProblem::UnknownWebsite { id: self }
    }
}

impl NamedId for ChannelId {
    fn from_stored(raw: i64) -> Option<Self> {
        ChannelId::new(raw).ok()
    }

    fn unknown(self) -> PlanProblem {
        PlanProblem::UnknownChannels { ids: vec![self] }
    }
}

impl<'a, I: NamedId> Names<'a, I> {
    fn new<K: ItemKind>(
        list: &'static str,
        declared: &'a [Declared<K::Item>],
        steps: Option<&'a [Step<K>]>,
        ids: Option<HashSet<I>>,
    ) -> Self {
        let stored = steps
            .unwrap_or_default()
            .iter()
            .filter_map(|step| Some((step.key(), I::from_stored(step.stored_id()?)?)))
            .collect();
        Self { list, declared: declared.iter().map(|item| &item.key).collect(), stored, ids }
    }

    /// How an item of the document names one of this list: a stored one by id (those made by
    /// this apply keep their key); a key the document does not declare, or an id no stored
    /// item has, is a problem.
    fn name(&self, named: &Ref<I>) -> Result<Ref<I>, PlanProblem> {
        match named {
            Ref::Key(key) if !self.declared.contains(key) => {
                Err(PlanProblem::UnknownKey { key: key.clone(), list: self.list })
            }
            Ref::Key(key) => {
                Ok(self.stored.get(key).map_or_else(|| Ref::Key(key.clone()), |id| Ref::Id(*id)))
            }
            Ref::Id(id) if self.ids.as_ref().is_some_and(|ids| !ids.contains(id)) => {
                Err(id.unknown())
            }
            Ref::Id(id) => Ok(Ref::Id(*id)),
        }
    }

    /// The items of `list` with everything they name of this list named by [`Self::name`];
    /// each item's first problem is placed on its `field`.
    fn resolve<T: Clone>(
        &self,
        items: &[Declared<T>],
        list: &'static str,
        field: &'static str,
        errors: &mut Vec<PlanError>,
        map: impl Fn(
            &T,
            &mut dyn FnMut(&Ref<I>) -> Result<Ref<I>, PlanProblem>,
        ) -> Result<T, PlanProblem>,
    ) -> Vec<Declared<T>> {
        items
            .iter()
            .enumerate()
            .map(|(index, declared)| {
                let item =
                    map(&declared.item, &mut |named| self.name(named)).unwrap_or_else(|problem| {
                        errors.push(PlanError::at(list, index, field, problem));
                        declared.item.clone()
                    });
                Declared { key: declared.key.clone(), adopt: declared.adopt, item }
            })
            .collect()
    }
}

#[cfg(test)]
#[path = "document_plan_tests.rs"]
mod tests;
