//! History: reading back a site's checks (keyset-paginated, newest first) and downtime windows
//! over a time range.

mod ports;
mod query;
mod sla;
mod stats;

#[cfg(any(test, feature = "mocks"))]
pub use ports::MockCheckHistory;
pub use ports::{CheckHistory, HistoryError};
pub use query::{
    CheckCursor, CheckCursorError, CheckPage, PageLimit, PageLimitError, StoredCheck, TimeRange,
    TimeRangeError,
};
pub use sla::{SlaEntry, SlaTarget, SlaTargetError};
pub use stats::{CheckSample, ResponseTimes, StatsInput, UptimeStats};
