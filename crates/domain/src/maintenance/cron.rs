//! Cron expressions as crontab(5) reads them: five fields — minute, hour, day of month, month,
//! day of week — each `*`, a number or name, a range `a-b`, a step `*/n` or `a-b/n`, or a list
//! of those; or one of `@hourly`, `@daily`, `@midnight`, `@weekly`, `@monthly`, `@yearly`,
//! `@annually`. Days of week run 0–7 (0 and 7 are Sunday) or `sun`–`sat`; months 1–12 or
//! `jan`–`dec`. When both day fields are restricted a day matching either is taken, as cron
//! does. Times are civil times in a time zone: each matching civil time starts once — a time
//! that a DST change skips starts at the same offset as the skipped hour would have had (one
//! hour later, after the change), a time that a DST change repeats starts at its first
//! occurrence only.

use std::fmt;

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// Why an expression is not a cron schedule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CronError(String);

/// A parsed cron expression.
#[derive(Clone, PartialEq, Eq)]
pub struct CronSchedule {
    source: String,
    minutes: u64,
    hours: u32,
    days_of_month: u32,
    months: u16,
    days_of_week: u8,
    /// Whether the day-of-month field is `*` (then only the weekday decides).
    any_day_of_month: bool,
    any_day_of_week: bool,
}

impl fmt::Debug for CronSchedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CronSchedule").field(&self.source).finish()
    }
}

impl fmt::Display for CronSchedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

const MONTHS: [&str; 12] =
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const WEEKDAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/// One field's name, bounds and value names.
struct Field {
    name: &'static str,
    min: u32,
    max: u32,
    names: &'static [&'static str],
    /// The first name's value (jan = 1, sun = 0).
    names_from: u32,
}

const FIELDS: [Field; 5] = [
    Field { name: "minute", min: 0, max: 59, names: &[], names_from: 0 },
    Field { name: "hour", min: 0, max: 23, names: &[], names_from: 0 },
    Field { name: "day of month", min: 1, max: 31, names: &[], names_from: 0 },
    Field { name: "month", min: 1, max: 12, names: &MONTHS, names_from: 1 },
    Field { name: "day of week", min: 0, max: 7, names: &WEEKDAYS, names_from: 0 },
];

/// Most characters in an expression.
pub const MAX_CRON_CHARS: usize = 200;

impl Field {
    fn value(&self, raw: &str) -> Result<u32, CronError> {
        let lower = raw.to_ascii_lowercase();
        if let Some(index) = self.names.iter().position(|n| *n == lower) {
            return Ok(self.names_from + index as u32);
        }
        let value: u32 = raw.parse().map_err(|_| {
            CronError(format!("{} field: {raw:?} is not a number or a name", self.name))
        })?;
        if value < self.min || value > self.max {
            return Err(CronError(format!(
                "{} field: {value} is outside {}-{}",
                self.name, self.min, self.max
            )));
        }
        Ok(value)
    }

    /// The field as a bit set (bit n: value n).
    fn parse(&self, raw: &str) -> Result<u64, CronError> {
        let mut bits = 0_u64;
        for part in raw.split(',') {
            let (range, step) = match part.split_once('/') {
                Some((range, step)) => {
                    let step: u32 = step.parse().ok().filter(|s| *s > 0).ok_or_else(|| {
                        CronError(format!(
                            "{} field: step {step:?} is not a positive number",
                            self.name
                        ))
                    })?;
                    (range, step)
                }
                None => (part, 1),
            };
            let (low, high) = match range {
                "*" => (self.min, self.max),
                _ => match range.split_once('-') {
                    Some((a, b)) => (self.value(a)?, self.value(b)?),
                    // `5/15` means from 5 to the end, every 15.
                    None if step > 1 => (self.value(range)?, self.max),
                    None => {
                        let v = self.value(range)?;
                        (v, v)
                    }
                },
            };
            if low > high {
                return Err(CronError(format!(
                    "{} field: range {low}-{high} runs backwards",
                    self.name
                )));
            }
            let mut v = low;
            while v <= high {
                bits |= 1 << v;
                v += step;
            }
        }
        Ok(bits)
    }
}

impl CronSchedule {
    /// Parses a five-field expression or a macro.
    pub fn parse(raw: &str) -> Result<Self, CronError> {
        let trimmed = raw.trim();
        if trimmed.chars().count() > MAX_CRON_CHARS {
            return Err(CronError(format!("at most {MAX_CRON_CHARS} characters")));
        }
        let expanded = match trimmed.to_ascii_lowercase().as_str() {
            "@hourly" => "0 * * * *",
            "@daily" | "@midnight" => "0 0 * * *",
            "@weekly" => "0 0 * * 0",
            "@monthly" => "0 0 1 * *",
            "@yearly" | "@annually" => "0 0 1 1 *",
            other if other.starts_with('@') => {
                return Err(CronError(format!("unknown macro {trimmed:?}")));
            }
            _ => trimmed,
        };
        let fields: Vec<&str> = expanded.split_whitespace().collect();
        let [minute, hour, dom, month, dow] = fields.as_slice() else {
            return Err(CronError(format!(
                "expected 5 fields (minute hour day-of-month month day-of-week), got {}",
                fields.len()
            )));
        };
        let mut days_of_week = FIELDS[4].parse(dow)?;
        if days_of_week & (1 << 7) != 0 {
            days_of_week = (days_of_week | 1) & 0x7f; // 7 is Sunday too
        }
        let schedule = Self {
            source: trimmed.to_owned(),
            minutes: FIELDS[0].parse(minute)?,
            hours: FIELDS[1].parse(hour)? as u32,
            days_of_month: FIELDS[2].parse(dom)? as u32,
            months: FIELDS[3].parse(month)? as u16,
            days_of_week: days_of_week as u8,
            any_day_of_month: *dom == "*",
            any_day_of_week: *dow == "*",
        };
        if !schedule.can_match() {
            return Err(CronError(format!("{trimmed:?} never matches a date")));
        }
        Ok(schedule)
    }

    /// The expression as given (trimmed).
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether some month has a day the day-of-month field allows (`0 0 31 2 *` never runs).
    fn can_match(&self) -> bool {
        if !self.any_day_of_week {
            return true;
        }
        (1..=12).any(|month| {
            let longest = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
            self.months & (1 << month) != 0
                && (1..=longest).any(|day| self.days_of_month & (1 << day) != 0)
        })
    }

    fn matches_day(&self, date: Date) -> bool {
        if self.months & (1 << date.month()) == 0 {
            return false;
        }
        let dom = self.days_of_month & (1 << date.day()) != 0;
        let dow = self.days_of_week & (1 << date.weekday().to_sunday_zero_offset()) != 0;
        match (self.any_day_of_month, self.any_day_of_week) {
            (true, true) => true,
            (true, false) => dow,
            (false, true) => dom,
            (false, false) => dom || dow,
        }
    }

    /// The instants at which the schedule starts on the civil `date` in `tz`, in order.
    fn starts_on(&self, date: Date, tz: &TimeZone) -> Vec<Timestamp> {
        if !self.matches_day(date) {
            return Vec::new();
        }
        let mut starts = Vec::new();
        for hour in (0..24_i8).filter(|h| self.hours & (1 << h) != 0) {
            for minute in (0..60_i8).filter(|m| self.minutes & (1 << m) != 0) {
                let civil = DateTime::from_parts(date, jiff::civil::time(hour, minute, 0, 0));
                // Skipped by a DST change: "compatible" moves it on by the gap; repeated: the
                // first of the two.
                if let Ok(zoned) = tz.to_ambiguous_zoned(civil).compatible() {
                    starts.push(zoned.timestamp());
                }
            }
        }
        starts.sort_unstable();
        starts.dedup();
        starts
    }

    /// Every start in `[from, to)` in `tz`, in order, at most `limit` of them.
    pub fn starts_between(
        &self,
        tz: &TimeZone,
        from: Timestamp,
        to: Timestamp,
        limit: usize,
    ) -> Vec<Timestamp> {
        let mut starts = Vec::new();
        if from >= to {
            return starts;
        }
        // A day either side: offsets move civil dates by up to a day.
        let first = from.to_zoned(tz.clone()).date().yesterday();
        let last = to.to_zoned(tz.clone()).date().tomorrow();
        let (Ok(mut date), Ok(last)) = (first, last) else { return starts };
        while date <= last && starts.len() < limit {
            for start in self.starts_on(date, tz) {
                if start >= from && start < to && starts.len() < limit {
                    starts.push(start);
                }
            }
            match date.checked_add(1.day()) {
                Ok(next) => date = next,
                Err(_) => break,
            }
        }
        starts
    }
}

#[cfg(test)]
#[path = "cron_tests.rs"]
mod tests;
