//! `CheckInterval`: seconds between two checks of a site, within configured bounds.

use std::fmt;
use std::time::Duration;

/// The interval a new website gets when none is given.
pub const DEFAULT_INTERVAL_SECS: u32 = 300;

/// The inclusive range of intervals this deployment accepts (config `monitor.*_interval_secs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntervalBounds {
    min_secs: u32,
    max_secs: u32,
}

/// Bounds whose minimum is above their maximum, or zero.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("interval bounds must satisfy 1 <= min ({min}) <= max ({max})")]
pub struct IntervalBoundsError {
    pub min: u32,
    pub max: u32,
}

impl IntervalBounds {
    pub fn new(min_secs: u32, max_secs: u32) -> Result<Self, IntervalBoundsError> {
        if min_secs == 0 || min_secs > max_secs {
            return Err(IntervalBoundsError { min: min_secs, max: max_secs });
        }
        Ok(Self { min_secs, max_secs })
    }

    pub fn min_secs(self) -> u32 {
        self.min_secs
    }

    pub fn max_secs(self) -> u32 {
        self.max_secs
    }

    /// The default interval, pulled into these bounds.
    pub fn default_interval(self) -> CheckInterval {
        CheckInterval(DEFAULT_INTERVAL_SECS.clamp(self.min_secs, self.max_secs))
    }
}

impl Default for IntervalBounds {
    fn default() -> Self {
        Self { min_secs: 60, max_secs: 3600 }
    }
}

/// Seconds between two checks of one website.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CheckInterval(u32);

/// An interval outside the configured bounds.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("check_interval must be between {min} and {max} seconds, got {got}")]
pub struct CheckIntervalError {
    pub got: i64,
    pub min: u32,
    pub max: u32,
}

impl CheckInterval {
    /// Accepts `secs` when it lies within `bounds`.
    pub fn new(secs: i64, bounds: IntervalBounds) -> Result<Self, CheckIntervalError> {
        let error = || CheckIntervalError { got: secs, min: bounds.min_secs, max: bounds.max_secs };
        let secs = u32::try_from(secs).map_err(|_| error())?;
        if (bounds.min_secs..=bounds.max_secs).contains(&secs) {
            Ok(Self(secs))
        } else {
            Err(error())
        }
    }

    /// Rebuilds an interval read back from storage, where it was validated when written.
    /// Bounds may have changed since; a stored interval is honoured as it is.
    pub fn from_stored(secs: u32) -> Self {
        Self(secs.max(1))
    }

    pub fn secs(self) -> u32 {
        self.0
    }

    pub fn as_duration(self) -> Duration {
        Duration::from_secs(u64::from(self.0))
    }
}

impl fmt::Display for CheckInterval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}s", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_inclusive() {
        let bounds = IntervalBounds::default();
        assert_eq!(CheckInterval::new(60, bounds).map(CheckInterval::secs), Ok(60));
        assert_eq!(CheckInterval::new(3600, bounds).map(CheckInterval::secs), Ok(3600));
        assert!(CheckInterval::new(59, bounds).is_err());
        assert!(CheckInterval::new(3601, bounds).is_err());
    }

    #[test]
    fn negative_and_huge_values_are_rejected_not_wrapped() {
        let bounds = IntervalBounds::default();
        let err = CheckInterval::new(-60, bounds).unwrap_err();
        assert_eq!(err, CheckIntervalError { got: -60, min: 60, max: 3600 });
        assert!(CheckInterval::new(i64::from(u32::MAX) + 60, bounds).is_err());
        assert!(CheckInterval::new(i64::MAX, bounds).is_err());
    }

    #[test]
    fn configured_bounds_apply() {
        let bounds = IntervalBounds::new(1, 10).unwrap();
        assert_eq!(CheckInterval::new(1, bounds).map(CheckInterval::secs), Ok(1));
        assert!(CheckInterval::new(11, bounds).is_err());
        assert_eq!(bounds.default_interval().secs(), 10);
        assert_eq!(IntervalBounds::default().default_interval().secs(), 300);
    }

    #[test]
    fn impossible_bounds_are_refused() {
        assert!(IntervalBounds::new(0, 10).is_err());
        assert!(IntervalBounds::new(20, 10).is_err());
    }
}
