//! A whole document's plan: its channels first, then its sites, whose alerts may name those
//! channels by key.

use std::collections::{HashMap, HashSet};

use super::plan::{Step, counts, plan_items};
use super::{
    ChannelRef, Channels, Declared, DeclaredSite, Document, ItemKey, Owner, PlanError,
    PlanProblem, Sites, StoredItems,
};
use crate::alerting::ChannelId;

/// What happens to one site.
pub type SiteStep = Step<Sites>;
/// What happens to one channel.
pub type ChannelStep = Step<Channels>;

/// A document's plan against what is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub owner: Owner,
    pub prune: bool,
    pub channels: Vec<ChannelStep>,
    pub websites: Vec<SiteStep>,
}

impl Plan {
    /// Whether applying the plan changes anything at all.
    pub fn has_changes(&self) -> bool {
        self.channels.iter().any(Step::writes) || self.websites.iter().any(Step::writes)
    }

    /// How many items are created, updated and deleted.
    pub fn counts(&self) -> (usize, usize, usize) {
        let (a, b, c) = counts(&self.channels);
        let (d, e, f) = counts(&self.websites);
        (a + d, b + e, c + f)
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
    match (channels, websites) {
        (Some(channels), Some(websites)) if errors.is_empty() => {
            Ok(Plan { owner: owner.clone(), prune, channels, websites })
        }
        _ => Err(errors),
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
