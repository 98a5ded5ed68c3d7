//! A site's latest verdict, kept by storage as checks are written, and the state a listing shows
//! from it.

use crate::{MonitorCheck, SiteState};

/// What a site's latest check said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    Up,
    /// Available, but not well.
    Degraded,
    Failed,
}

impl Verdict {
    pub fn of(check: &MonitorCheck) -> Self {
        if !check.is_available {
            Self::Failed
        } else if check.degraded {
            Self::Degraded
        } else {
            Self::Up
        }
    }

    /// The state a listing shows: paused when disabled, down while a window is open or the
    /// latest check failed, unknown before the first check, else what the verdict says. (A
    /// site's own page adds maintenance, from `SiteStatus::derive`.)
    pub fn listed_state(enabled: bool, open_window: bool, verdict: Option<Self>) -> SiteState {
        match (enabled, open_window, verdict) {
            (false, ..) => SiteState::Paused,
            (true, true, _) | (true, false, Some(Self::Failed)) => SiteState::Down,
            (true, false, None) => SiteState::Unknown,
            (true, false, Some(Self::Degraded)) => SiteState::Degraded,
            (true, false, Some(Self::Up)) => SiteState::Up,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listing_state_follows_enabled_then_window_then_verdict() {
        use Verdict::*;
        assert_eq!(Verdict::listed_state(false, true, Some(Failed)), SiteState::Paused);
        assert_eq!(Verdict::listed_state(true, true, Some(Up)), SiteState::Down);
        assert_eq!(Verdict::listed_state(true, false, Some(Failed)), SiteState::Down);
        assert_eq!(Verdict::listed_state(true, false, None), SiteState::Unknown);
        assert_eq!(Verdict::listed_state(true, false, Some(Degraded)), SiteState::Degraded);
        assert_eq!(Verdict::listed_state(true, false, Some(Up)), SiteState::Up);
    }
}
