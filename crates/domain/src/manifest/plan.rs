//! The plan: what applying a document to stored sites would do, item by item.

use std::collections::HashMap;

use super::site_diff::{changed_fields, with_kept_secrets};
use super::{Declared, ItemKey, Owner, PlanError, SiteField};
use crate::{NewWebsite, Website, WebsiteUrl};

/// What happens to one site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SiteStep {
    /// Declared, not stored: made and marked as the file's.
    Create { index: usize, key: ItemKey, item: NewWebsite },
    /// Stored and declared differently, adopted, or renamed in the file.
    Update {
        index: usize,
        key: ItemKey,
        current: Box<Website>,
        item: NewWebsite,
        fields: Vec<SiteField>,
        /// The file takes it over from the API (`adopt: true`).
        adopted: bool,
        /// The key the file knew it by, when that changed.
        renamed_from: Option<ItemKey>,
    },
    /// Stored as declared. `managed` is false for a site made through the API that the file
    /// lists without adopting: it stays the API's.
    Unchanged { index: usize, key: ItemKey, current: Website, managed: bool },
    /// The file made it and no longer lists it; deleted because the plan prunes.
    Delete { key: ItemKey, current: Website },
    /// The file made it and no longer lists it; kept because the plan does not prune.
    Orphaned { key: ItemKey, current: Website },
}

impl SiteStep {
    /// Whether applying the step writes anything.
    pub fn writes(&self) -> bool {
        matches!(self, Self::Create { .. } | Self::Update { .. } | Self::Delete { .. })
    }
}

/// The steps for every declared site, then for those the file made and no longer lists.
pub type SitePlan = Vec<SiteStep>;

/// A document's plan against what is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub owner: Owner,
    pub prune: bool,
    pub websites: SitePlan,
}

impl Plan {
    /// Whether applying the plan changes anything at all.
    pub fn has_changes(&self) -> bool {
        self.websites.iter().any(SiteStep::writes)
    }

    /// How many items are created, updated and deleted.
    pub fn counts(&self) -> (usize, usize, usize) {
        let count =
            |wanted: fn(&SiteStep) -> bool| self.websites.iter().filter(|s| wanted(s)).count();
        (
            count(|s| matches!(s, SiteStep::Create { .. })),
            count(|s| matches!(s, SiteStep::Update { .. })),
            count(|s| matches!(s, SiteStep::Delete { .. })),
        )
    }
}

/// Matches declared sites to stored ones and says what to do with each.
///
/// A declared site is matched first by the file's own key, then by URL: a site of this file
/// under another key is renamed, a site made through the API is adopted when the item says
/// `adopt: true` (and left alone when it is already as declared), a site of another file is
/// an error. Sites the file made and no longer lists are deleted when `prune`, else kept.
pub fn plan_sites(
    declared: &[Declared<NewWebsite>],
    stored: &[Website],
    owner: &Owner,
    prune: bool,
) -> Result<SitePlan, Vec<PlanError>> {
    let mut errors = Vec::new();
    let mut first_key: HashMap<&ItemKey, usize> = HashMap::new();
    let mut first_url: HashMap<&WebsiteUrl, usize> = HashMap::new();
    for (index, site) in declared.iter().enumerate() {
        if let Some(&first) = first_key.get(&site.key) {
            errors.push(PlanError::DuplicateKey { index, first, key: site.key.clone() });
        } else {
            first_key.insert(&site.key, index);
        }
        if let Some(&first) = first_url.get(&site.item.url) {
            errors.push(PlanError::DuplicateUrl { index, first });
        } else {
            first_url.insert(&site.item.url, index);
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    let ours: HashMap<&ItemKey, usize> = stored
        .iter()
        .enumerate()
        .filter_map(|(at, site)| {
            site.managed.as_ref().filter(|m| &m.by == owner).map(|m| (&m.key, at))
        })
        .collect();
    let by_url: HashMap<&WebsiteUrl, usize> =
        stored.iter().enumerate().map(|(at, site)| (&site.url, at)).collect();
    let mut matched = vec![false; stored.len()];
    let mut steps = Vec::with_capacity(declared.len());

    for (index, site) in declared.iter().enumerate() {
        let key = site.key.clone();
        if let Some(&at) = ours.get(&site.key) {
            matched[at] = true;
            steps.push(compare(index, key, &stored[at], &site.item, false, None));
            continue;
        }
        let Some(&at) = by_url.get(&site.item.url) else {
            steps.push(SiteStep::Create { index, key, item: site.item.clone() });
            continue;
        };
        let current = &stored[at];
        match &current.managed {
            Some(mark) if &mark.by == owner && !first_key.contains_key(&mark.key) => {
                matched[at] = true;
                let renamed = Some(mark.key.clone());
                steps.push(compare(index, key, current, &site.item, false, renamed));
            }
            Some(mark) if &mark.by == owner => {
                errors.push(PlanError::UrlOfOtherKey { index, key: mark.key.clone() });
            }
            Some(mark) => errors.push(PlanError::OwnedElsewhere { index, owner: mark.by.clone() }),
            None if site.adopt => {
                matched[at] = true;
                steps.push(compare(index, key, current, &site.item, true, None));
            }
            None => match compare(index, key, current, &site.item, false, None) {
                SiteStep::Unchanged { index, key, current, .. } => {
                    steps.push(SiteStep::Unchanged { index, key, current, managed: false });
                }
                _ => errors.push(PlanError::NotAdopted { index, id: current.id }),
            },
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    for (at, site) in stored.iter().enumerate() {
        let Some(mark) = site.managed.as_ref().filter(|m| &m.by == owner && !matched[at]) else {
            continue;
        };
        let (key, current) = (mark.key.clone(), site.clone());
        steps.push(if prune {
            SiteStep::Delete { key, current }
        } else {
            SiteStep::Orphaned { key, current }
        });
    }
    Ok(steps)
}

/// The step for a declared site matched to a stored one.
fn compare(
    index: usize,
    key: ItemKey,
    current: &Website,
    declared: &NewWebsite,
    adopted: bool,
    renamed_from: Option<ItemKey>,
) -> SiteStep {
    let item = with_kept_secrets(declared, current);
    let fields = changed_fields(current, &item);
    if fields.is_empty() && !adopted && renamed_from.is_none() {
        return SiteStep::Unchanged { index, key, current: current.clone(), managed: true };
    }
    let current = Box::new(current.clone());
    SiteStep::Update { index, key, current, item, fields, adopted, renamed_from }
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
