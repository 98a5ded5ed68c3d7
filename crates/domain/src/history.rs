//! History: reading back a site's checks (keyset-paginated, newest first) and downtime windows
//! over a time range; statistics from raw checks and roll-ups; the roll-up and retention job; the daily
//! partitions checks are kept in.

mod aggregate;
mod partitions;
mod ports;
mod query;
mod retention;
mod rollup;
mod sla;
mod stats;

pub use aggregate::{CheckAggregate, HistogramDecodeError, ResponseTimeHistogram};
#[cfg(any(test, feature = "mocks"))]
pub use partitions::MockCheckPartitions;
pub use partitions::{CheckPartitions, EnsurePartitionsError};
pub use ports::{CheckHistory, HistoryError, RollupStore};
#[cfg(any(test, feature = "mocks"))]
pub use ports::{MockCheckHistory, MockRollupStore};
pub use query::{
    CheckCursor, CheckCursorError, CheckPage, PageLimit, PageLimitError, StoredCheck, TimeRange,
    TimeRangeError,
};
pub use retention::{Expiring, RetentionPolicy, RollupError, RollupReport, RollupService};
pub use rollup::{Grain, RollupMarks, Span, StatsSources};
pub use sla::{SlaEntry, SlaTarget, SlaTargetError};
pub use stats::{CheckSample, ResponseTimes, StatsInput, StatsPage, UptimeBasis, UptimeStats};
