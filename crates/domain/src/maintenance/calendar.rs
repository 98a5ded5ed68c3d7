//! The windows' occurrences laid out over a range of time, to ask of a site: is it in
//! maintenance at this instant, and how much of a range was maintenance. Pure: built from the
//! stored windows and a range.

use std::collections::HashMap;

use time::OffsetDateTime;

use super::window::{MaintenanceMode, MaintenanceScope, MaintenanceWindow, Span};
use crate::WebsiteId;

/// What the check path asks: the mode a site is in at an instant. Object-safe (the engine holds
/// one whatever keeps it current).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait MaintenanceView: Send + Sync + 'static {
    /// `Pause` when a pausing window covers the site at `at`, else `Silence` when a silencing
    /// one does, else `None`.
    fn mode_at(&self, id: WebsiteId, at: OffsetDateTime) -> Option<MaintenanceMode>;
}

/// No windows at all.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoMaintenance;

impl MaintenanceView for NoMaintenance {
    fn mode_at(&self, _: WebsiteId, _: OffsetDateTime) -> Option<MaintenanceMode> {
        None
    }
}

/// One window's occurrences within the calendar's range.
#[derive(Debug, Clone)]
struct Laid {
    mode: MaintenanceMode,
    spans: Vec<Span>,
}

/// The occurrences of a set of windows within `[from, to)`.
#[derive(Debug, Clone, Default)]
pub struct MaintenanceCalendar {
    from: Option<OffsetDateTime>,
    to: Option<OffsetDateTime>,
    every_site: Vec<Laid>,
    by_site: HashMap<WebsiteId, Vec<usize>>,
    named: Vec<Laid>,
}

impl MaintenanceCalendar {
    /// The occurrences of `windows` overlapping `[from, to)`; windows with none are left out.
    pub fn build(windows: &[MaintenanceWindow], from: OffsetDateTime, to: OffsetDateTime) -> Self {
        let mut calendar = Self { from: Some(from), to: Some(to), ..Self::default() };
        for window in windows {
            let spans = window.spec.timing.spans(from, to);
            if spans.is_empty() {
                continue;
            }
            let laid = Laid { mode: window.spec.mode, spans };
            match &window.spec.scope {
                MaintenanceScope::All => calendar.every_site.push(laid),
                MaintenanceScope::Websites(ids) => {
                    let index = calendar.named.len();
                    calendar.named.push(laid);
                    for id in ids {
                        calendar.by_site.entry(*id).or_default().push(index);
                    }
                }
            }
        }
        calendar
    }

    /// Whether the calendar covers `at` (outside its range it knows nothing).
    pub fn covers(&self, at: OffsetDateTime) -> bool {
        self.from.is_some_and(|from| from <= at) && self.to.is_some_and(|to| at < to)
    }

    fn windows_of(&self, id: WebsiteId) -> impl Iterator<Item = &Laid> {
        let named = self.by_site.get(&id).into_iter().flatten().filter_map(|i| self.named.get(*i));
        self.every_site.iter().chain(named)
    }

    /// The union of the site's occurrences clipped to `[from, to)`, merged and in order.
    pub fn spans_of(&self, id: WebsiteId, from: OffsetDateTime, to: OffsetDateTime) -> Vec<Span> {
        let mut spans: Vec<Span> = self
            .windows_of(id)
            .flat_map(|laid| laid.spans.iter())
            .filter_map(|span| {
                let clipped = Span { start: span.start.max(from), end: span.end.min(to) };
                (clipped.start < clipped.end).then_some(clipped)
            })
            .collect();
        merge(&mut spans);
        spans
    }
}

impl MaintenanceView for MaintenanceCalendar {
    fn mode_at(&self, id: WebsiteId, at: OffsetDateTime) -> Option<MaintenanceMode> {
        let mut mode = None;
        for laid in self.windows_of(id) {
            if laid.spans.iter().any(|span| span.contains(at)) {
                if laid.mode == MaintenanceMode::Pause {
                    return Some(MaintenanceMode::Pause);
                }
                mode = Some(MaintenanceMode::Silence);
            }
        }
        mode
    }
}

/// Sorts `spans` and merges those that overlap or touch.
pub fn merge(spans: &mut Vec<Span>) {
    spans.sort_by_key(|span| span.start);
    let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
    for span in spans.drain(..) {
        match merged.last_mut() {
            Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
            _ => merged.push(span),
        }
    }
    *spans = merged;
}

/// How much of `span` the (merged, ordered) `spans` cover.
pub fn overlap(spans: &[Span], span: Span) -> time::Duration {
    spans
        .iter()
        .map(|s| s.end.min(span.end) - s.start.max(span.start))
        .filter(|d| d.is_positive())
        .sum()
}

#[cfg(test)]
#[path = "calendar_tests.rs"]
mod tests;
