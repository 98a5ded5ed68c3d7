//! A check's phases as five nullable integer columns of microseconds (`dns_us` … `transfer_us`):
//! a few bytes a check in SQLite (varints), 4 each in PostgreSQL.

use std::time::Duration;

use lookout_domain::monitoring::Phases;

/// The five columns, in order: dns, connect, tls, ttfb, transfer.
pub(crate) type PhaseColumns = [Option<i32>; 5];

pub(crate) fn to_columns(phases: Option<Phases>) -> PhaseColumns {
    let micros = |d: Option<Duration>| d.map(|d| i32::try_from(d.as_micros()).unwrap_or(i32::MAX));
    match phases {
        None => [None; 5],
        Some(p) => {
            [micros(p.dns), micros(p.connect), micros(p.tls), micros(p.ttfb), micros(p.transfer)]
        }
    }
}

/// `None` when no phase was stored (a failed check, or one stored before phases were kept).
pub(crate) fn from_columns(columns: PhaseColumns) -> Option<Phases> {
    if columns.iter().all(Option::is_none) {
        return None;
    }
    let duration =
        |us: Option<i32>| us.map(|us| Duration::from_micros(u64::try_from(us).unwrap_or(0)));
    let [dns, connect, tls, ttfb, transfer] = columns.map(duration);
    Some(Phases { dns, connect, tls, ttfb, transfer })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_round_trip_in_microseconds() {
        let phases = Phases {
            dns: None,
            connect: Some(Duration::from_micros(1_250)),
            tls: Some(Duration::from_micros(8_001)),
            ttfb: Some(Duration::from_micros(40_000)),
            transfer: Some(Duration::from_nanos(2_500)),
        };
        let columns = to_columns(Some(phases));
        assert_eq!(columns, [None, Some(1_250), Some(8_001), Some(40_000), Some(2)]);
        let back = from_columns(columns).unwrap();
        assert_eq!(back.transfer, Some(Duration::from_micros(2)));
        assert_eq!(from_columns(to_columns(None)), None);
    }
}
