//! The values of a history query: a time range, a page size and a cursor — each parsed once.

use time::OffsetDateTime;

use crate::MonitorCheck;

/// `[from, to)`; either end may be open. `from` after `to` is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TimeRange {
    from: Option<OffsetDateTime>,
    to: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("from must not be after to")]
pub struct TimeRangeError;

impl TimeRange {
    pub fn new(
        from: Option<OffsetDateTime>,
        to: Option<OffsetDateTime>,
    ) -> Result<Self, TimeRangeError> {
        match (from, to) {
            (Some(from), Some(to)) if from > to => Err(TimeRangeError),
            _ => Ok(Self { from, to }),
        }
    }

    pub fn from(self) -> Option<OffsetDateTime> {
        self.from
    }

    pub fn to(self) -> Option<OffsetDateTime> {
        self.to
    }
}

/// How many items one page holds: 1..=1000, 100 when not given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageLimit(u16);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("limit must be between 1 and {max}, got {got}", max = PageLimit::MAX)]
pub struct PageLimitError {
    pub got: i64,
}

impl PageLimit {
    pub const MAX: u16 = 1000;
    /// A page of one.
    pub const MIN: Self = Self(1);

    pub fn new(raw: i64) -> Result<Self, PageLimitError> {
        u16::try_from(raw)
            .ok()
            .filter(|n| (1..=Self::MAX).contains(n))
            .map(Self)
            .ok_or(PageLimitError { got: raw })
    }

    pub fn get(self) -> usize {
        usize::from(self.0)
    }
}

impl Default for PageLimit {
    fn default() -> Self {
        Self(100)
    }
}

/// Where the next page of checks starts: strictly older than this check (newest first).
/// Opaque to clients: `c` + hex microseconds + `-` + hex id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckCursor {
    pub timestamp: OffsetDateTime,
    pub id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cursor is not one this API gave out")]
pub struct CheckCursorError;

impl CheckCursor {
    pub fn parse(raw: &str) -> Result<Self, CheckCursorError> {
        let body = raw.strip_prefix('c').ok_or(CheckCursorError)?;
        let (micros, id) = body.split_once('-').ok_or(CheckCursorError)?;
        let micros = i128::from_str_radix(micros, 16).map_err(|_| CheckCursorError)?;
        let id = i64::from_str_radix(id, 16).map_err(|_| CheckCursorError)?;
        let timestamp = OffsetDateTime::from_unix_timestamp_nanos(micros * 1000)
            .map_err(|_| CheckCursorError)?;
        if id <= 0 {
            return Err(CheckCursorError);
        }
        Ok(Self { timestamp, id })
    }

    pub fn encode(&self) -> String {
        let micros = self.timestamp.unix_timestamp_nanos() / 1000;
        format!("c{micros:x}-{:x}", self.id)
    }
}

/// A check as stored, with its row id.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCheck {
    pub id: i64,
    pub check: MonitorCheck,
    /// The region of the node that made it (`None`: a node with no region label).
    pub region: Option<crate::regions::RegionName>,
}

/// One page of checks, newest first, and the cursor of the next page (when there is one).
#[derive(Debug, Clone, PartialEq)]
pub struct CheckPage {
    pub checks: Vec<StoredCheck>,
    pub next: Option<CheckCursor>,
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn ranges_refuse_from_after_to() {
        let a = datetime!(2026-11-01 00:00 UTC);
        let b = datetime!(2026-11-02 00:00 UTC);
        assert!(TimeRange::new(Some(a), Some(b)).is_ok());
        assert!(TimeRange::new(Some(a), Some(a)).is_ok());
        assert_eq!(TimeRange::new(Some(b), Some(a)), Err(TimeRangeError));
        assert!(TimeRange::new(None, Some(a)).is_ok());
    }

    #[test]
    fn limits_are_bounded() {
        assert_eq!(PageLimit::new(1).map(PageLimit::get), Ok(1));
        assert_eq!(PageLimit::new(1000).map(PageLimit::get), Ok(1000));
        assert!(PageLimit::new(0).is_err());
        assert!(PageLimit::new(1001).is_err());
        assert!(PageLimit::new(10_000).is_err());
        assert!(PageLimit::new(-5).is_err());
        assert_eq!(PageLimit::default().get(), 100);
    }

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let cursor = CheckCursor { timestamp: datetime!(2026-11-28 12:00:00.123456 UTC), id: 42 };
        assert_eq!(CheckCursor::parse(&cursor.encode()), Ok(cursor));
        for garbage in ["", "c", "x12-3", "c12", "czz-1", "c12-0", "c12--1", "c12-zz", "c1-2-3"] {
            assert_eq!(CheckCursor::parse(garbage), Err(CheckCursorError), "{garbage}");
        }
    }
}
