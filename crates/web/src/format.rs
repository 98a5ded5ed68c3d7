//! How numbers and times read on a page.

use lookout_domain::SiteState;
use time::OffsetDateTime;

/// `99.95 %`, `100 %`, or an em dash when unknown.
pub(crate) fn percent(value: Option<f64>) -> String {
    match value {
        None => "—".to_owned(),
        Some(v) if v >= 99.995 => "100 %".to_owned(),
        Some(v) => format!("{:.2} %", (v * 100.0).floor() / 100.0),
    }
}

/// `184 ms` or `2.35 s`.
pub(crate) fn seconds(value: f64) -> String {
    if value < 1.0 { format!("{:.0} ms", value * 1000.0) } else { format!("{value:.2} s") }
}

/// `3 min ago`, `2 h ago`, `just now`.
pub(crate) fn ago(at: OffsetDateTime, now: OffsetDateTime) -> String {
    let secs = (now - at).whole_seconds().max(0);
    match secs {
        0..=9 => "just now".to_owned(),
        10..=59 => format!("{secs} s ago"),
        60..=3599 => format!("{} min ago", secs / 60),
        3600..=86_399 => format!("{} h ago", secs / 3600),
        _ => format!("{} d ago", secs / 86_400),
    }
}

/// `1 h 20 min`, `45 s`.
pub(crate) fn duration(length: std::time::Duration) -> String {
    let secs = length.as_secs();
    match secs {
        0..=59 => format!("{secs} s"),
        60..=3599 => format!("{} min {} s", secs / 60, secs % 60),
        3600..=86_399 => format!("{} h {} min", secs / 3600, (secs % 3600) / 60),
        _ => format!("{} d {} h", secs / 86_400, (secs % 86_400) / 3600),
    }
}

/// `2026-12-06 12:00 UTC`.
pub(crate) fn when(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{}-{:02}-{:02} {:02}:{:02} UTC",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute()
    )
}

/// `Dec 6`.
pub(crate) fn day(at: OffsetDateTime) -> String {
    let month = at.month().to_string();
    format!("{} {}", &month[..3], at.day())
}

/// The word a state is shown with, and its CSS class.
pub(crate) fn state(state: SiteState) -> (&'static str, &'static str) {
    match state {
        SiteState::Up => ("Up", "up"),
        SiteState::Degraded => ("Degraded", "degraded"),
        SiteState::Down => ("Down", "down"),
        SiteState::Unknown => ("Unknown", "unknown"),
        SiteState::Paused => ("Paused", "paused"),
        SiteState::Maintenance => ("Maintenance", "maintenance"),
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn figures_read_the_way_people_say_them() {
        assert_eq!(percent(Some(99.999)), "100 %");
        assert_eq!(percent(Some(99.956)), "99.95 %", "never rounded up to look better");
        assert_eq!(percent(None), "—");
        assert_eq!(seconds(0.1844), "184 ms");
        assert_eq!(seconds(2.349), "2.35 s");
        let now = datetime!(2026-12-06 12:00 UTC);
        assert_eq!(ago(now - time::Duration::minutes(3), now), "3 min ago");
        assert_eq!(duration(std::time::Duration::from_secs(4800)), "1 h 20 min");
        assert_eq!(when(now), "2026-12-06 12:00 UTC");
        assert_eq!(day(now), "Dec 6");
    }
}
