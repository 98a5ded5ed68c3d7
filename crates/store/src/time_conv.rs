//! UTC instants ↔ the `timestamp` columns (no zone, UTC by convention, microsecond precision).

use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// The UTC wall time of `at`, truncated to microseconds (what both backends keep).
pub(crate) fn to_column(at: OffsetDateTime) -> PrimitiveDateTime {
    let utc = at.to_offset(UtcOffset::UTC);
    let micros = utc.nanosecond() / 1_000 * 1_000;
    let time = utc.time().replace_nanosecond(micros).unwrap_or(utc.time());
    PrimitiveDateTime::new(utc.date(), time)
}

pub(crate) fn from_column(at: PrimitiveDateTime) -> OffsetDateTime {
    at.assume_utc()
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn converts_to_utc_and_truncates_to_microseconds() {
        let at = datetime!(2026-11-28 13:00:00.123456789 +01:00);
        assert_eq!(to_column(at), datetime!(2026-11-28 12:00:00.123456));
        assert_eq!(from_column(to_column(at)), datetime!(2026-11-28 12:00:00.123456 UTC));
    }
}
