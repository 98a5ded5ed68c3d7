//! Roll-ups: checks summed per site and UTC hour, hours summed per day. Which source answers
//! which part of a statistics range is decided here, so that every range is counted exactly
//! once whether its checks are still raw or already rolled up.

use time::{Duration, OffsetDateTime, Time};

/// The length of a roll-up bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Grain {
    Hour,
    Day,
}

impl Grain {
    pub fn seconds(self) -> i64 {
        match self {
            Self::Hour => 3600,
            Self::Day => 86_400,
        }
    }

    pub fn from_seconds(seconds: i64) -> Option<Self> {
        [Self::Hour, Self::Day].into_iter().find(|grain| grain.seconds() == seconds)
    }

    pub fn duration(self) -> Duration {
        Duration::seconds(self.seconds())
    }

    /// The start of the bucket holding `t` (UTC).
    pub fn floor(self, t: OffsetDateTime) -> OffsetDateTime {
        let t = t.to_offset(time::UtcOffset::UTC);
        match self {
            Self::Hour => t.replace_time(Time::MIDNIGHT) + Duration::hours(i64::from(t.hour())),
            Self::Day => t.replace_time(Time::MIDNIGHT),
        }
    }

    /// The first bucket start at or after `t`.
    pub fn ceil(self, t: OffsetDateTime) -> OffsetDateTime {
        let floor = self.floor(t);
        if floor == t { floor } else { floor + self.duration() }
    }
}

/// How far each roll-up is complete: every bucket starting before the mark has been rolled up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RollupMarks {
    pub hourly_through: Option<OffsetDateTime>,
    pub daily_through: Option<OffsetDateTime>,
}

impl RollupMarks {
    pub fn through(self, grain: Grain) -> Option<OffsetDateTime> {
        match grain {
            Grain::Hour => self.hourly_through,
            Grain::Day => self.daily_through,
        }
    }
}

/// `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: OffsetDateTime,
    pub end: OffsetDateTime,
}

impl Span {
    fn non_empty(start: OffsetDateTime, end: OffsetDateTime) -> Option<Self> {
        (start < end).then_some(Self { start, end })
    }
}

/// Where the checks of a range come from: raw checks at the ragged edges and after the hourly
/// mark, hourly roll-ups for whole hours, daily roll-ups for whole days. The spans do not
/// overlap and together cover the range.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StatsSources {
    pub raw: Vec<Span>,
    pub hours: Vec<Span>,
    pub days: Option<Span>,
}

impl StatsSources {
    pub fn plan(from: OffsetDateTime, to: OffsetDateTime, marks: RollupMarks) -> Self {
        let mut sources = Self::default();
        let hours_start = Grain::Hour.ceil(from);
        let hours_end = match marks.hourly_through {
            Some(mark) => Grain::Hour.floor(to).min(mark),
            None => hours_start,
        };
        if hours_start >= hours_end {
            sources.raw.extend(Span::non_empty(from, to));
            return sources;
        }
        sources.raw.extend(Span::non_empty(from, hours_start));
        sources.raw.extend(Span::non_empty(hours_end, to));

        let days_start = Grain::Day.ceil(hours_start);
        let days_end = match marks.daily_through {
            Some(mark) => Grain::Day.floor(hours_end).min(mark),
            None => days_start,
        };
        if days_start >= days_end {
            sources.hours.push(Span { start: hours_start, end: hours_end });
            return sources;
        }
        sources.hours.extend(Span::non_empty(hours_start, days_start));
        sources.hours.extend(Span::non_empty(days_end, hours_end));
        sources.days = Some(Span { start: days_start, end: days_end });
        sources
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn span(start: OffsetDateTime, end: OffsetDateTime) -> Span {
        Span { start, end }
    }

    #[test]
    fn floors_and_ceilings_are_utc_bucket_edges() {
        let t = datetime!(2026-11-03 14:25:07.5 +02:00);
        assert_eq!(Grain::Hour.floor(t), datetime!(2026-11-03 12:00 UTC));
        assert_eq!(Grain::Hour.ceil(t), datetime!(2026-11-03 13:00 UTC));
        assert_eq!(Grain::Day.floor(t), datetime!(2026-11-03 00:00 UTC));
        assert_eq!(Grain::Day.ceil(t), datetime!(2026-11-04 00:00 UTC));
        let edge = datetime!(2026-11-03 00:00 UTC);
        assert_eq!((Grain::Hour.ceil(edge), Grain::Day.ceil(edge)), (edge, edge));
        assert_eq!(Grain::from_seconds(86_400), Some(Grain::Day));
        assert_eq!(Grain::from_seconds(60), None);
    }

    #[test]
    fn nothing_rolled_up_means_all_raw() {
        let (from, to) = (datetime!(2026-11-01 10:30 UTC), datetime!(2026-11-05 10:30 UTC));
        let plan = StatsSources::plan(from, to, RollupMarks::default());
        assert_eq!(plan, StatsSources { raw: vec![span(from, to)], ..StatsSources::default() });
    }

    #[test]
    fn ragged_edges_are_raw_whole_hours_and_days_rolled_up() {
        let from = datetime!(2026-11-01 10:30 UTC);
        let to = datetime!(2026-11-05 10:30 UTC);
        let marks = RollupMarks {
            hourly_through: Some(datetime!(2026-11-05 09:00 UTC)),
            daily_through: Some(datetime!(2026-11-04 00:00 UTC)),
        };
        let plan = StatsSources::plan(from, to, marks);
        assert_eq!(
            plan.raw,
            vec![
                span(from, datetime!(2026-11-01 11:00 UTC)),
                span(datetime!(2026-11-05 09:00 UTC), to)
            ]
        );
        assert_eq!(
            plan.hours,
            vec![
                span(datetime!(2026-11-01 11:00 UTC), datetime!(2026-11-02 00:00 UTC)),
                span(datetime!(2026-11-04 00:00 UTC), datetime!(2026-11-05 09:00 UTC)),
            ]
        );
        assert_eq!(
            plan.days,
            Some(span(datetime!(2026-11-02 00:00 UTC), datetime!(2026-11-04 00:00 UTC)))
        );
    }

    #[test]
    fn a_range_inside_one_hour_or_before_the_mark_is_planned_consistently() {
        let marks = RollupMarks {
            hourly_through: Some(datetime!(2026-11-05 00:00 UTC)),
            daily_through: Some(datetime!(2026-11-05 00:00 UTC)),
        };
        let (from, to) = (datetime!(2026-11-01 10:10 UTC), datetime!(2026-11-01 10:50 UTC));
        assert_eq!(StatsSources::plan(from, to, marks).raw, vec![span(from, to)]);
        // Aligned on hours, not on days: hours only.
        let (from, to) = (datetime!(2026-11-01 10:00 UTC), datetime!(2026-11-01 12:00 UTC));
        let plan = StatsSources::plan(from, to, marks);
        assert_eq!((plan.raw, plan.hours, plan.days), (vec![], vec![span(from, to)], None));
        // Exactly whole days: days only.
        let (from, to) = (datetime!(2026-11-01 00:00 UTC), datetime!(2026-11-03 00:00 UTC));
        let plan = StatsSources::plan(from, to, marks);
        assert_eq!((plan.raw, plan.hours, plan.days), (vec![], vec![], Some(span(from, to))));
    }
}
