//! `ScheduleTable`: each scheduled site's interval and next due instant, ordered by due time.
//!
//! A binary heap of `(due, id, generation)` with lazy deletion: removing or re-timing a site
//! bumps its generation, and stale heap entries are skipped when they surface. Per site this
//! costs one map entry and (usually) one heap entry — a few dozen bytes.
//!
//! Two ways to take a due site: [`ScheduleTable::take_due`] hands it out until its check
//! [completes](ScheduleTable::complete) with the next due time (the local schedule), and
//! [`ScheduleTable::pop_due`] schedules the next slot at once (a shared node checking alone
//! while the database is out of reach).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::time::Duration;

use lookout_domain::WebsiteId;
use tokio::time::Instant;

#[derive(Debug, Clone)]
struct Entry<T> {
    /// Milliseconds (u32: 49 days at most), to keep a million entries small.
    interval_ms: u32,
    /// The next slot; while the site is handed out, the slot being checked.
    next_due: Instant,
    generation: u32,
    /// Handed out by `take_due`, not back yet: no heap entry.
    in_flight: bool,
    payload: T,
}

/// An entry handed out by [`ScheduleTable::take_due`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taken<T> {
    pub payload: T,
    /// The slot.
    pub due: Instant,
    /// Hands the completion to this entry (a site re-timed meanwhile has a newer one).
    pub generation: u32,
    pub interval: Duration,
}

/// The in-memory schedule; `T` is what a due entry hands out (the check target). Pure: every
/// method takes the current instant.
#[derive(Debug)]
pub struct ScheduleTable<T> {
    entries: HashMap<WebsiteId, Entry<T>>,
    queue: BinaryHeap<Reverse<(Instant, WebsiteId, u32)>>,
}

impl<T> Default for ScheduleTable<T> {
    fn default() -> Self {
        Self { entries: HashMap::new(), queue: BinaryHeap::new() }
    }
}

impl<T: Clone> ScheduleTable<T> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of scheduled sites.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn contains(&self, id: WebsiteId) -> bool {
        self.entries.contains_key(&id)
    }

    /// The next due instant of a site, if scheduled.
    pub fn next_due(&self, id: WebsiteId) -> Option<Instant> {
        self.entries.get(&id).map(|e| e.next_due)
    }

    /// Schedules `id` first at `first_due`, then every `interval`. Replaces any earlier entry.
    pub fn insert(&mut self, id: WebsiteId, interval: Duration, first_due: Instant, payload: T) {
        let generation = self.entries.get(&id).map_or(0, |e| e.generation.wrapping_add(1));
        let interval_ms = u32::try_from(interval.as_millis()).unwrap_or(u32::MAX).max(1);
        let entry =
            Entry { interval_ms, next_due: first_due, generation, in_flight: false, payload };
        self.entries.insert(id, entry);
        self.queue.push(Reverse((first_due, id, generation)));
    }

    /// Changes a site's interval (and payload). The next check moves earlier when the new
    /// interval would already have brought it due sooner; otherwise the current slot is kept.
    /// A site being checked is rescheduled from the slot after the one in progress (its
    /// check's completion then changes only the payload's breaker, see `complete`).
    pub fn retime(&mut self, id: WebsiteId, interval: Duration, now: Instant, payload: T) {
        let Some(entry) = self.entries.get(&id) else { return };
        let next_due = match entry.in_flight {
            true => entry.next_due + Duration::from_millis(u64::from(entry.interval_ms)),
            false => entry.next_due,
        };
        self.insert(id, interval, next_due.min(now + interval), payload);
    }

    /// Hands out the earliest entry due at or before `now`: it is not due again until
    /// [`ScheduleTable::complete`] says when.
    pub fn take_due(&mut self, now: Instant) -> Option<Taken<T>> {
        self.drop_stale();
        let Reverse((due, id, generation)) = *self.queue.peek()?;
        if due > now {
            return None;
        }
        self.queue.pop();
        let entry = self.entries.get_mut(&id)?;
        entry.in_flight = true;
        let interval = Duration::from_millis(u64::from(entry.interval_ms));
        Some(Taken { payload: entry.payload.clone(), due, generation, interval })
    }

    /// The check of a site handed out at `generation` is over: it is due next at `next_due`.
    /// A site removed or re-timed meanwhile keeps what that change said. Returns whether the
    /// site is still scheduled.
    pub fn complete(&mut self, id: WebsiteId, generation: u32, next_due: Instant) -> bool {
        let Some(entry) = self.entries.get_mut(&id) else { return false };
        if entry.generation == generation && entry.in_flight {
            entry.in_flight = false;
            entry.next_due = next_due;
            self.queue.push(Reverse((next_due, id, generation)));
        }
        true
    }

    /// The payload of a scheduled site, to change it in place.
    pub fn payload_mut(&mut self, id: WebsiteId) -> Option<&mut T> {
        self.entries.get_mut(&id).map(|e| &mut e.payload)
    }

    /// Stops scheduling `id`.
    pub fn remove(&mut self, id: WebsiteId) -> bool {
        self.entries.remove(&id).is_some()
    }

    /// The earliest live due instant.
    pub fn peek_due(&mut self) -> Option<Instant> {
        self.drop_stale();
        self.queue.peek().map(|Reverse((due, _, _))| *due)
    }

    /// Takes the earliest entry due at or before `now`, and schedules its next run at
    /// `due + interval` (never `now + interval`: the schedule does not drift).
    pub fn pop_due(&mut self, now: Instant) -> Option<(T, Instant)> {
        self.drop_stale();
        let Reverse((due, id, generation)) = *self.queue.peek()?;
        if due > now {
            return None;
        }
        self.queue.pop();
        if let Some(entry) = self.entries.get_mut(&id) {
            let interval = Duration::from_millis(u64::from(entry.interval_ms));
            let mut next = due + interval;
            // A process that slept through several slots resumes at the next one in the
            // future rather than firing a burst of stale checks.
            if next <= now {
                let behind = now.duration_since(next).as_nanos();
                let step = interval.as_nanos().max(1);
                let skipped = u32::try_from(behind / step + 1).unwrap_or(u32::MAX);
                next += interval.saturating_mul(skipped);
            }
            entry.next_due = next;
            self.queue.push(Reverse((next, id, generation)));
            return Some((entry.payload.clone(), due));
        }
        None
    }

    /// Stops scheduling every site whose next check is before `cutoff`, unless `keep` says
    /// otherwise of its payload; returns how many went.
    pub fn remove_due_before(&mut self, cutoff: Instant, keep: impl Fn(&T) -> bool) -> usize {
        let mut kept = Vec::new();
        let mut removed = 0;
        loop {
            self.drop_stale();
            match self.queue.peek() {
                Some(Reverse((due, id, generation))) if *due < cutoff => {
                    let (id, generation, due) = (*id, *generation, *due);
                    self.queue.pop();
                    if self.entries.get(&id).is_some_and(|e| keep(&e.payload)) {
                        kept.push(Reverse((due, id, generation)));
                    } else {
                        removed += usize::from(self.entries.remove(&id).is_some());
                    }
                }
                _ => break,
            }
        }
        self.queue.extend(kept);
        removed
    }

    /// Moves every site whose next check is before `cutoff` on by whole intervals to its first
    /// slot at or after `cutoff` (those slots are skipped); returns how many moved.
    pub fn skip_due_before(&mut self, cutoff: Instant) -> usize {
        let mut moved = Vec::new();
        loop {
            self.drop_stale();
            match self.queue.peek() {
                Some(Reverse((due, id, _))) if *due < cutoff => {
                    let (due, id) = (*due, *id);
                    self.queue.pop();
                    if let Some(entry) = self.entries.get_mut(&id) {
                        let step = Duration::from_millis(u64::from(entry.interval_ms));
                        let behind = cutoff.duration_since(due).as_nanos();
                        let steps = behind.div_ceil(step.as_nanos().max(1));
                        entry.next_due =
                            due + step.saturating_mul(u32::try_from(steps).unwrap_or(u32::MAX));
                        entry.generation = entry.generation.wrapping_add(1);
                        moved.push(Reverse((entry.next_due, id, entry.generation)));
                    }
                }
                _ => break,
            }
        }
        let count = moved.len();
        self.queue.extend(moved);
        count
    }

    fn drop_stale(&mut self) {
        while let Some(Reverse((_, id, generation))) = self.queue.peek() {
            match self.entries.get(id) {
                Some(entry) if entry.generation == *generation => return,
                _ => {
                    self.queue.pop();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(raw: i64) -> WebsiteId {
        WebsiteId::new(raw).unwrap()
    }

    type Table = ScheduleTable<WebsiteId>;

    const MIN: Duration = Duration::from_secs(60);

    #[test]
    fn yields_in_due_order_and_only_when_due() {
        let t0 = Instant::now();
        let mut table = Table::new();
        table.insert(id(1), MIN, t0 + Duration::from_secs(10), id(1));
        table.insert(id(2), MIN, t0 + Duration::from_secs(5), id(2));
        assert_eq!(table.pop_due(t0), None);
        assert_eq!(table.peek_due(), Some(t0 + Duration::from_secs(5)));
        let later = t0 + Duration::from_secs(10);
        assert_eq!(table.pop_due(later), Some((id(2), t0 + Duration::from_secs(5))));
        assert_eq!(table.pop_due(later), Some((id(1), t0 + Duration::from_secs(10))));
        assert_eq!(table.pop_due(later), None);
    }

    #[test]
    fn next_due_is_due_plus_interval_not_now_plus_interval() {
        let t0 = Instant::now();
        let mut table = Table::new();
        table.insert(id(1), MIN, t0, id(1));
        // Popped 3 s late: the next slot is still t0 + 60 s.
        assert_eq!(table.pop_due(t0 + Duration::from_secs(3)), Some((id(1), t0)));
        assert_eq!(table.next_due(id(1)), Some(t0 + MIN));
    }

    #[test]
    fn a_long_stall_skips_to_the_next_future_slot() {
        let t0 = Instant::now();
        let mut table = Table::new();
        table.insert(id(1), MIN, t0, id(1));
        let now = t0 + Duration::from_secs(150);
        assert_eq!(table.pop_due(now), Some((id(1), t0)));
        assert_eq!(table.next_due(id(1)), Some(t0 + Duration::from_secs(180)));
        assert_eq!(table.pop_due(now), None);
    }

    #[test]
    fn a_site_handed_out_is_due_again_when_its_check_says() {
        let t0 = Instant::now();
        let mut table = Table::new();
        table.insert(id(1), MIN, t0, id(1));
        let Taken { due, generation, .. } = table.take_due(t0).unwrap();
        assert_eq!(due, t0);
        assert_eq!(table.take_due(t0 + MIN * 2), None, "not again while its check runs");
        assert_eq!(table.next_due(id(1)), Some(t0), "the slot in progress");
        assert!(table.complete(id(1), generation, t0 + Duration::from_secs(300)));
        assert_eq!(table.peek_due(), Some(t0 + Duration::from_secs(300)));
        // Removed while checked: the completion finds nothing.
        let generation = table.take_due(t0 + Duration::from_secs(300)).unwrap().generation;
        table.remove(id(1));
        assert!(!table.complete(id(1), generation, t0 + MIN));
        assert_eq!(table.peek_due(), None);
    }

    #[test]
    fn a_site_retimed_while_checked_keeps_the_new_timing() {
        let t0 = Instant::now();
        let mut table = Table::new();
        table.insert(id(1), Duration::from_secs(3600), t0, id(1));
        let generation = table.take_due(t0).unwrap().generation;
        // From an hour to 5 s while the check runs: due 5 s on, whatever the check says.
        table.retime(id(1), Duration::from_secs(5), t0, id(1));
        assert!(table.complete(id(1), generation, t0 + Duration::from_secs(3600)));
        assert_eq!(table.peek_due(), Some(t0 + Duration::from_secs(5)));
        let again = table.take_due(t0 + Duration::from_secs(5)).map(|taken| taken.due);
        assert_eq!(again, Some(t0 + Duration::from_secs(5)));
    }

    #[test]
    fn removed_sites_never_come_due() {
        let t0 = Instant::now();
        let mut table = Table::new();
        table.insert(id(1), MIN, t0, id(1));
        assert!(table.remove(id(1)));
        assert!(!table.remove(id(1)));
        assert_eq!(table.pop_due(t0 + MIN), None);
        assert!(table.is_empty());
    }

    #[test]
    fn retiming_to_a_shorter_interval_pulls_the_next_check_in() {
        let t0 = Instant::now();
        let mut table = Table::new();
        table.insert(id(1), Duration::from_secs(3600), t0 + Duration::from_secs(3000), id(1));
        table.retime(id(1), Duration::from_secs(5), t0, id(1));
        assert_eq!(table.next_due(id(1)), Some(t0 + Duration::from_secs(5)));
        // Only the re-timed entry surfaces, once.
        assert_eq!(
            table.pop_due(t0 + Duration::from_secs(5)),
            Some((id(1), t0 + Duration::from_secs(5)))
        );
        assert_eq!(table.pop_due(t0 + Duration::from_secs(5)), None);
        assert_eq!(table.next_due(id(1)), Some(t0 + Duration::from_secs(10)));
    }

    #[test]
    fn retiming_to_a_longer_interval_keeps_the_current_slot() {
        let t0 = Instant::now();
        let mut table = Table::new();
        table.insert(id(1), MIN, t0 + Duration::from_secs(30), id(1));
        table.retime(id(1), Duration::from_secs(600), t0, id(1));
        assert_eq!(table.next_due(id(1)), Some(t0 + Duration::from_secs(30)));
        table.pop_due(t0 + Duration::from_secs(30));
        assert_eq!(table.next_due(id(1)), Some(t0 + Duration::from_secs(630)));
    }

    #[test]
    fn sites_due_before_a_cutoff_can_be_dropped() {
        let t0 = Instant::now();
        let mut table = Table::new();
        for (n, secs) in [(1, 1), (2, 5), (3, 10)] {
            table.insert(id(n), MIN, t0 + Duration::from_secs(secs), id(n));
        }
        // Re-inserted later: only the newest slot counts.
        table.insert(id(1), MIN, t0 + Duration::from_secs(20), id(1));
        table.insert(id(4), MIN, t0 + Duration::from_secs(2), id(4));
        let cutoff = t0 + Duration::from_secs(6);
        assert_eq!(table.remove_due_before(cutoff, |payload| *payload == id(4)), 1);
        assert!(!table.contains(id(2)));
        assert!(table.contains(id(4)), "kept");
        assert_eq!(
            table.pop_due(t0 + Duration::from_secs(2)),
            Some((id(4), t0 + Duration::from_secs(2)))
        );
        table.remove(id(4));
        assert_eq!(table.len(), 2);
        assert_eq!(
            table.pop_due(t0 + Duration::from_secs(10)),
            Some((id(3), t0 + Duration::from_secs(10)))
        );
    }

    #[test]
    fn sites_due_before_a_cutoff_can_skip_to_their_next_slot_after_it() {
        let t0 = Instant::now();
        let mut table = Table::new();
        table.insert(id(1), Duration::from_secs(2), t0 + Duration::from_secs(1), id(1));
        table.insert(id(2), MIN, t0 + Duration::from_secs(3), id(2));
        table.insert(id(3), MIN, t0 + Duration::from_secs(9), id(3));
        assert_eq!(table.skip_due_before(t0 + Duration::from_secs(4)), 2);
        assert_eq!(table.next_due(id(1)), Some(t0 + Duration::from_secs(5)), "1 + 2 × 2 s");
        assert_eq!(table.next_due(id(2)), Some(t0 + Duration::from_secs(63)));
        assert_eq!(table.next_due(id(3)), Some(t0 + Duration::from_secs(9)), "after the cutoff");
        // Only the moved slots surface, once each.
        let later = t0 + Duration::from_secs(10);
        assert_eq!(table.pop_due(later), Some((id(1), t0 + Duration::from_secs(5))));
        assert_eq!(table.pop_due(later), Some((id(3), t0 + Duration::from_secs(9))));
        assert_eq!(table.pop_due(later), None);
    }

    #[test]
    fn retiming_an_unscheduled_site_does_nothing() {
        let mut table = Table::new();
        table.retime(id(9), MIN, Instant::now(), id(9));
        assert!(table.is_empty());
    }
}
