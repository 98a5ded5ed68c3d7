//! The plan: what applying a document to stored items would do, item by item. One matching
//! rule for every kind of item (sites, channels): by the file's key, then by identity (a
//! site's url, a channel's name).

use std::collections::HashMap;
use std::hash::Hash;

use super::{Declared, ItemKey, Managed, Owner, PlanError, PlanProblem};

/// Why a declared item cannot be planned: the field it is in and what is wrong.
pub type Refusal = (&'static str, PlanProblem);

/// A kind of item a document declares: what identifies it and how a declared one compares
/// with a stored one.
pub trait ItemKind {
    /// The document's list (`websites`).
    const LIST: &'static str;
    /// The field an item is known by when the file has not made it (`url`, `name`).
    const IDENTITY: &'static str;
    /// A declared item.
    type Item: Clone + std::fmt::Debug + PartialEq + Eq;
    type Stored: Clone + std::fmt::Debug + PartialEq + Eq;
    type Identity: Eq + Hash;
    type Field: Copy + std::fmt::Debug + PartialEq + Eq;

    fn item_identity(item: &Self::Item) -> &Self::Identity;
    fn stored_identity(stored: &Self::Stored) -> &Self::Identity;
    fn stored_id(stored: &Self::Stored) -> i64;
    fn managed(stored: &Self::Stored) -> Option<&Managed>;
    /// The declared item as it would be written over the stored one (secrets given as
    /// `"***"` taken from it), and the fields that differ; or why it cannot replace it.
    fn compare(
        stored: &Self::Stored,
        item: &Self::Item,
    ) -> Result<(Self::Item, Vec<Self::Field>), Refusal>;
    /// Why a declared item cannot be made as it is, if it cannot.
    fn creatable(item: &Self::Item) -> Result<(), Refusal>;
}

/// What happens to one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step<K: ItemKind> {
    /// Declared, not stored: made and marked as the file's.
    Create { index: usize, key: ItemKey, item: K::Item },
    /// Stored and declared differently, adopted, or renamed in the file.
    Update {
        index: usize,
        key: ItemKey,
        current: Box<K::Stored>,
        item: K::Item,
        fields: Vec<K::Field>,
        /// The file takes it over from the API (`adopt: true`).
        adopted: bool,
        /// The key the file knew it by, when that changed.
        renamed_from: Option<ItemKey>,
    },
    /// Stored as declared. `managed` is false for an item made through the API that the file
    /// lists without adopting: it stays the API's.
    Unchanged { index: usize, key: ItemKey, current: Box<K::Stored>, managed: bool },
    /// The file made it and no longer lists it; deleted because the plan prunes.
    Delete { key: ItemKey, current: Box<K::Stored> },
    /// The file made it and no longer lists it; kept because the plan does not prune.
    Orphaned { key: ItemKey, current: Box<K::Stored> },
}

impl<K: ItemKind> Step<K> {
    /// Whether applying the step writes anything.
    pub fn writes(&self) -> bool {
        matches!(self, Self::Create { .. } | Self::Update { .. } | Self::Delete { .. })
    }

    /// The stored item's id, for a step on one.
    pub fn stored_id(&self) -> Option<i64> {
        match self {
            Self::Create { .. } => None,
            Self::Update { current, .. }
            | Self::Unchanged { current, .. }
            | Self::Delete { current, .. }
            | Self::Orphaned { current, .. } => Some(K::stored_id(current)),
        }
    }

    /// The item's key in the file.
    pub fn key(&self) -> &ItemKey {
        match self {
            Self::Create { key, .. }
            | Self::Update { key, .. }
            | Self::Unchanged { key, .. }
            | Self::Delete { key, .. }
            | Self::Orphaned { key, .. } => key,
        }
    }
}

/// How many steps create, update and delete.
pub fn counts<K: ItemKind>(steps: &[Step<K>]) -> (usize, usize, usize) {
    let count = |wanted: fn(&Step<K>) -> bool| steps.iter().filter(|s| wanted(s)).count();
    (
        count(|s| matches!(s, Step::Create { .. })),
        count(|s| matches!(s, Step::Update { .. })),
        count(|s| matches!(s, Step::Delete { .. })),
    )
}

/// Matches declared items to stored ones and says what to do with each.
///
/// A declared item is matched first by the file's own key, then by identity: an item of this
/// file under another key is renamed, an item made through the API is adopted when it says
/// `adopt: true` (and left alone when it is already as declared), an item of another file is
/// an error. Items the file made and no longer lists are deleted when `prune`, else kept.
pub fn plan_items<K: ItemKind>(
    declared: &[Declared<K::Item>],
    stored: &[K::Stored],
    owner: &Owner,
    prune: bool,
) -> Result<Vec<Step<K>>, Vec<PlanError>> {
    let error = |index, field, problem| PlanError::at(K::LIST, index, field, problem);
    let mut errors = Vec::new();
    let mut first_key: HashMap<&ItemKey, usize> = HashMap::new();
    let mut first_identity: HashMap<&K::Identity, usize> = HashMap::new();
    for (index, item) in declared.iter().enumerate() {
        if let Some(&first) = first_key.get(&item.key) {
            let key = item.key.clone();
            errors.push(error(index, "key", PlanProblem::DuplicateKey { first, key }));
        } else {
            first_key.insert(&item.key, index);
        }
        if let Some(&first) = first_identity.get(K::item_identity(&item.item)) {
            errors.push(error(index, K::IDENTITY, PlanProblem::DuplicateIdentity { first }));
        } else {
            first_identity.insert(K::item_identity(&item.item), index);
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    let ours: HashMap<&ItemKey, usize> = stored
        .iter()
        .enumerate()
        .filter_map(|(at, item)| K::managed(item).filter(|m| &m.by == owner).map(|m| (&m.key, at)))
        .collect();
    let mut by_identity: HashMap<&K::Identity, Vec<usize>> = HashMap::new();
    for (at, item) in stored.iter().enumerate() {
        by_identity.entry(K::stored_identity(item)).or_default().push(at);
    }
    let mut matched = vec![false; stored.len()];
    let mut steps = Vec::with_capacity(declared.len());

    for (index, declared) in declared.iter().enumerate() {
        let key = declared.key.clone();
        let item = &declared.item;
        let found = match ours.get(&key) {
            Some(&at) => Ok(Some(Match { at, adopted: false, renamed_from: None })),
            None => by_identity.get(K::item_identity(item)).map_or(Ok(None), |candidates| {
                match_by_identity::<K>(candidates, stored, owner, &first_key, declared)
            }),
        };
        let outcome = match found {
            Err(problem) => Err(problem),
            Ok(None) => {
                K::creatable(item).map(|()| (None, Step::Create { index, key, item: item.clone() }))
            }
            Ok(Some(Match { at, adopted, renamed_from })) => {
                settle::<K>(index, key, &stored[at], item, adopted, renamed_from)
                    .map(|step| (Some(at), step))
            }
        };
        match outcome {
            Ok((at, step)) => {
                if let Some(at) = at {
                    matched[at] = true;
                }
                steps.push(step);
            }
            Err((field, problem)) => errors.push(error(index, field, problem)),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    for (at, item) in stored.iter().enumerate() {
        let Some(mark) = K::managed(item).filter(|m| &m.by == owner && !matched[at]) else {
            continue;
        };
        let (key, current) = (mark.key.clone(), Box::new(item.clone()));
        steps.push(if prune {
            Step::Delete { key, current }
        } else {
            Step::Orphaned { key, current }
        });
    }
    Ok(steps)
}

/// A stored item a declared one stands for: its position, whether the file adopts it, and the
/// key the file knew it by when that changed.
struct Match {
    at: usize,
    adopted: bool,
    renamed_from: Option<ItemKey>,
}

/// The stored item a declared one without a stored item under its key stands for, found by
/// identity, or `None` when there is none.
fn match_by_identity<K: ItemKind>(
    candidates: &[usize],
    stored: &[K::Stored],
    owner: &Owner,
    declared_keys: &HashMap<&ItemKey, usize>,
    declared: &Declared<K::Item>,
) -> Result<Option<Match>, Refusal> {
    let mark = |at: usize| K::managed(&stored[at]);
    if let Some(&at) = candidates.iter().find(|&&at| {
        mark(at).is_some_and(|m| &m.by == owner && !declared_keys.contains_key(&m.key))
    }) {
        let renamed_from = mark(at).map(|m| m.key.clone());
        return Ok(Some(Match { at, adopted: false, renamed_from }));
    }
    if let Some(m) = candidates.iter().filter_map(|&at| mark(at)).find(|m| &m.by == owner) {
        return Err((K::IDENTITY, PlanProblem::IdentityOfOtherKey { key: m.key.clone() }));
    }
    if let Some(m) = candidates.iter().filter_map(|&at| mark(at)).next() {
        return Err((K::IDENTITY, PlanProblem::OwnedElsewhere { owner: m.by.clone() }));
    }
    match candidates {
        [at] => Ok(Some(Match { at: *at, adopted: declared.adopt, renamed_from: None })),
        _ => {
            let ids = candidates.iter().map(|&at| K::stored_id(&stored[at])).collect();
            Err((K::IDENTITY, PlanProblem::Ambiguous { ids }))
        }
    }
}

/// The step for a declared item matched to a stored one: unchanged when it is as declared,
/// else an update. An item made through the API stays the API's when it is as declared, and
/// must be adopted to be changed.
fn settle<K: ItemKind>(
    index: usize,
    key: ItemKey,
    current: &K::Stored,
    declared: &K::Item,
    adopted: bool,
    renamed_from: Option<ItemKey>,
) -> Result<Step<K>, Refusal> {
    let (item, fields) = K::compare(current, declared)?;
    let ours = K::managed(current).is_some();
    if fields.is_empty() && !adopted && renamed_from.is_none() {
        let current = Box::new(current.clone());
        return Ok(Step::Unchanged { index, key, current, managed: ours });
    }
    if !adopted && !ours {
        return Err((K::IDENTITY, PlanProblem::NotAdopted { id: K::stored_id(current) }));
    }
    let current = Box::new(current.clone());
    Ok(Step::Update { index, key, current, item, fields, adopted, renamed_from })
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
