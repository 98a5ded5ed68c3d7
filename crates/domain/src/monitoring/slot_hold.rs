//! How the shared schedule holds a claimed slot, and whether a checked slot must be released.
//!
//! A slot is claimed under a lease (the row waits for the release, or for the lease to run
//! out), or *elided*: the claim already moved the row on to the site's next slot, because the
//! check surely ends before it (the interval exceeds the check timeout) and nothing about the
//! slot is in doubt (not a slot taken over from a dead node, breaker closed with no failures).
//! An elided slot whose check leaves the row as the claim wrote it needs no release at all: one
//! row update per check in the steady state.

use std::time::Duration;

use time::OffsetDateTime;

use super::breaker::CircuitBreaker;
use crate::WebsiteId;

/// How a claim holds its slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotHold {
    /// Under a lease: the row is due again when the lease runs out unless released first.
    Leased,
    /// Without a lease: the claim moved the row on to the site's next slot, `next_due`
    /// (database clock). A node that dies during the check loses the slot (it is not checked
    /// again); the next one is checked on time by whichever node claims it.
    Elided { next_due: OffsetDateTime },
}

/// A checked slot handed back with what the check left: the breaker, and the next due time
/// (database clock) for the interval the check was made with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotRelease {
    pub id: WebsiteId,
    /// The slot as claimed (database clock): a leased slot's release matches the claim by it.
    pub slot: OffsetDateTime,
    /// How the slot was claimed: an elided slot's release matches the row by the next due
    /// time its claim wrote (and matches nothing once another node has claimed that slot).
    pub hold: SlotHold,
    pub breaker: CircuitBreaker,
    pub next_due: OffsetDateTime,
    /// The interval `next_due` was worked out with. If the site's interval changed while the
    /// check ran, the store works the next due time out again with the new one.
    pub interval: Duration,
}

impl SlotRelease {
    /// Whether the schedule must hear of this release. A leased slot always: its lease ends
    /// with it. An elided slot only when the check left the row otherwise than its claim did:
    /// the breaker no longer closed with no failures (a failure, a trip), or a next due time
    /// other than the slot the claim moved the row to (a result to confirm sooner, a check
    /// that overran that slot). Everything else — up, paused, in maintenance, skipped, the site
    /// gone, abandoned — is already in the row.
    pub fn is_needed(&self) -> bool {
        match self.hold {
            SlotHold::Leased => true,
            SlotHold::Elided { next_due } => {
                self.breaker != CircuitBreaker::default() || self.next_due != next_due
            }
        }
    }

    /// The release that hands back a slot claimed and never checked (its node stopping): due at
    /// its slot again, so that another node checks it. Only an elided slot needs one (its row
    /// moved on at the claim); a leased slot goes back with the rest of its node's leases.
    pub fn unchecked(
        id: WebsiteId,
        slot: OffsetDateTime,
        hold: SlotHold,
        breaker: CircuitBreaker,
        interval: Duration,
    ) -> Option<Self> {
        match hold {
            SlotHold::Leased => None,
            SlotHold::Elided { .. } => {
                Some(Self { id, slot, hold, breaker, next_due: slot, interval })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const SLOT: OffsetDateTime = datetime!(2026-11-28 12:00:00.123456 UTC);
    const INTERVAL: Duration = Duration::from_secs(300);

    fn after(secs: i64) -> OffsetDateTime {
        SLOT + time::Duration::seconds(secs)
    }

    fn release(hold: SlotHold, breaker: CircuitBreaker, next_due: OffsetDateTime) -> SlotRelease {
        SlotRelease {
            id: WebsiteId::new(7).unwrap(),
            slot: SLOT,
            hold,
            breaker,
            next_due,
            interval: INTERVAL,
        }
    }

    /// Claimed without a lease: the claim moved the row to the next slot, 300 s on.
    fn elided() -> SlotHold {
        SlotHold::Elided { next_due: after(300) }
    }

    #[test]
    fn an_elided_slot_left_as_claimed_needs_no_release() {
        let steady = release(elided(), CircuitBreaker::default(), after(300));
        assert!(!steady.is_needed(), "up (or paused, skipped, gone): the claim wrote it all");
    }

    #[test]
    fn an_elided_slot_whose_check_failed_is_released_matched_by_the_next_due_time() {
        let failed = release(elided(), CircuitBreaker::Closed { failures: 1 }, after(300));
        assert!(failed.is_needed(), "the failure is counted");
        assert_eq!(failed.hold, elided(), "matched by the next due time its claim wrote");
        let tripped = release(elided(), CircuitBreaker::Open { until: after(900) }, after(900));
        assert!(tripped.is_needed(), "the breaker opened");
    }

    #[test]
    fn an_elided_slot_due_again_at_another_time_is_released() {
        // The alert policy wants the result confirmed in 30 s, not at the next slot.
        let confirm = release(elided(), CircuitBreaker::default(), after(30));
        assert!(confirm.is_needed());
        // The check overran the slot the claim moved the row to: the one after.
        let overran = release(elided(), CircuitBreaker::default(), after(600));
        assert!(overran.is_needed());
    }

    #[test]
    fn an_elided_slot_never_checked_is_handed_back_due_at_its_slot() {
        let id = WebsiteId::new(7).unwrap();
        let breaker = CircuitBreaker::default();
        let back = SlotRelease::unchecked(id, SLOT, elided(), breaker, INTERVAL).unwrap();
        assert_eq!(back, release(elided(), breaker, SLOT), "due at its slot again");
        assert!(back.is_needed());
        assert_eq!(SlotRelease::unchecked(id, SLOT, SlotHold::Leased, breaker, INTERVAL), None);
    }

    #[test]
    fn a_leased_slot_is_always_released() {
        assert!(release(SlotHold::Leased, CircuitBreaker::default(), after(300)).is_needed());
        let failed = release(SlotHold::Leased, CircuitBreaker::Closed { failures: 2 }, after(300));
        assert!(failed.is_needed());
    }
}
