//! The embedded schedule: a `Schedule` port handle for the API side and a stream of due
//! checks for the worker side, joined by a channel.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use futures::Stream;
use lookout_domain::website::Schedule;
use lookout_domain::{CheckTarget, Website, WebsiteId};
use time::OffsetDateTime;
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::due_check::{NextDue, due_stream, sleep_until};
use crate::{DueCheck, ScheduleTable};

#[derive(Debug)]
enum Command {
    Add { target: Arc<CheckTarget>, interval: Duration },
    Remove { id: WebsiteId },
    Retime { target: Arc<CheckTarget>, interval: Duration },
}

/// The `Schedule` port of the embedded scheduler. Cheap to clone; changes reach the
/// [`ScheduleSource`] at once.
#[derive(Debug, Clone)]
pub struct LocalSchedule {
    commands: mpsc::UnboundedSender<Command>,
}

/// Yields each scheduled site when its check comes due.
#[derive(Debug)]
pub struct ScheduleSource {
    table: SharedTable,
    commands: mpsc::UnboundedReceiver<Command>,
    commands_open: bool,
}

type SharedTable = Arc<Mutex<ScheduleTable<Arc<CheckTarget>>>>;

/// Read access to the schedule for status queries: when is a site due next.
#[derive(Debug, Clone)]
pub struct ScheduleView {
    table: SharedTable,
}

impl ScheduleView {
    /// The next due time of a site (wall clock), if it is scheduled.
    pub fn next_due(&self, id: WebsiteId) -> Option<OffsetDateTime> {
        let due = lock(&self.table).next_due(id)?;
        let now = Instant::now();
        let wall = OffsetDateTime::now_utc();
        Some(if due >= now { wall + (due - now) } else { wall - (now - due) })
    }
}

fn lock<T>(table: &Mutex<T>) -> MutexGuard<'_, T> {
    table.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A connected pair: changes sent through the `LocalSchedule` are applied by the source.
pub fn local_schedule() -> (LocalSchedule, ScheduleSource) {
    let (tx, rx) = mpsc::unbounded_channel();
    let source = ScheduleSource {
        table: Arc::new(Mutex::new(ScheduleTable::new())),
        commands: rx,
        commands_open: true,
    };
    (LocalSchedule { commands: tx }, source)
}

impl LocalSchedule {
    fn send(&self, command: Command) {
        // A closed channel means the scheduler has stopped: nothing is left to schedule.
        if self.commands.send(command).is_err() {
            tracing::debug!("Schedule change ignored: the scheduler has stopped");
        }
    }
}

impl Schedule for LocalSchedule {
    async fn add(&self, website: &Website) {
        self.send(Command::Add {
            target: Arc::new(CheckTarget::from(website)),
            interval: website.check_interval.as_duration(),
        });
    }

    async fn remove(&self, id: WebsiteId) {
        self.send(Command::Remove { id });
    }

    async fn reschedule(&self, website: &Website) {
        self.send(Command::Retime {
            target: Arc::new(CheckTarget::from(website)),
            interval: website.check_interval.as_duration(),
        });
    }
}

/// Where in `[0, 1)` a site's first check falls within its first interval, so that sites
/// loaded together are spread out rather than all checked at once. Deterministic per id.
fn spread_fraction(id: WebsiteId) -> f64 {
    let mixed = (id.get() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (mixed >> 11) as f64 / (1u64 << 53) as f64
}

impl ScheduleSource {
    /// Schedules the enabled sites among `websites`, their first checks spread over one
    /// interval. Returns how many were scheduled.
    pub fn load(&mut self, websites: &[Website], now: Instant) -> usize {
        let mut table = lock(&self.table);
        let before = table.len();
        for website in websites.iter().filter(|w| w.enabled) {
            let interval = website.check_interval.as_duration();
            let first = now + interval.mul_f64(spread_fraction(website.id));
            table.insert(website.id, interval, first, Arc::new(CheckTarget::from(website)));
        }
        metrics::gauge!("lookout_scheduled_sites").set(table.len() as f64);
        table.len() - before
    }

    /// Number of scheduled sites.
    pub fn len(&self) -> usize {
        lock(&self.table).len()
    }

    pub fn is_empty(&self) -> bool {
        lock(&self.table).is_empty()
    }

    /// A read handle for status queries.
    pub fn view(&self) -> ScheduleView {
        ScheduleView { table: Arc::clone(&self.table) }
    }

    fn apply(&mut self, command: Command, now: Instant) {
        let mut table = lock(&self.table);
        match command {
            Command::Add { target, interval } if table.contains(target.id) => {
                table.retime(target.id, interval, now, target);
            }
            Command::Add { target, interval } => table.insert(target.id, interval, now, target),
            Command::Remove { id } => {
                table.remove(id);
            }
            Command::Retime { target, interval } => {
                table.retime(target.id, interval, now, target);
            }
        }
        metrics::gauge!("lookout_scheduled_sites").set(table.len() as f64);
        tracing::debug!(scheduled = table.len(), "Schedule changed");
    }

    /// Waits for the next due check. Schedule changes are applied as they arrive.
    pub async fn next_due(&mut self) -> DueCheck {
        loop {
            let now = Instant::now();
            while let Ok(command) = self.commands.try_recv() {
                self.apply(command, now);
            }
            let popped = lock(&self.table).pop_due(now);
            if let Some((target, due)) = popped {
                let late = now.saturating_duration_since(due);
                let due_at = OffsetDateTime::now_utc() - late;
                return DueCheck::local(target, due_at);
            }
            let wake = lock(&self.table).peek_due();
            tokio::select! {
                command = self.commands.recv(), if self.commands_open => match command {
                    Some(command) => self.apply(command, Instant::now()),
                    None => self.commands_open = false,
                },
                () = sleep_until(wake) => {}
            }
        }
    }

    /// The source as an endless stream of due checks.
    pub fn into_stream(self) -> impl Stream<Item = DueCheck> + Send {
        due_stream(self)
    }
}

impl NextDue for ScheduleSource {
    fn next_due(&mut self) -> impl std::future::Future<Output = DueCheck> + Send {
        ScheduleSource::next_due(self)
    }
}

#[cfg(test)]
mod tests {
    use lookout_domain::{CheckInterval, IntervalBounds, WebsiteName, WebsiteUrl};

    use super::*;

    fn website(id: i64, enabled: bool, secs: i64) -> Website {
        Website {
            id: WebsiteId::new(id).unwrap(),
            url: WebsiteUrl::parse(&format!("https://site{id}.example")).unwrap(),
            name: WebsiteName::parse("site").unwrap(),
            enabled,
            check_interval: CheckInterval::new(secs, IntervalBounds::new(1, 3600).unwrap())
                .unwrap(),
            created_at: OffsetDateTime::UNIX_EPOCH,
            updated_at: OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn loads_enabled_sites_spread_over_one_interval() {
        let (_schedule, mut source) = local_schedule();
        let sites: Vec<_> = (1..=100).map(|i| website(i, i % 10 != 0, 60)).collect();
        let start = Instant::now();
        assert_eq!(source.load(&sites, start), 90);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..90 {
            let due = source.next_due().await;
            assert!(seen.insert(due.target.id.get()), "each site once in the first interval");
            assert_ne!(due.target.id.get() % 10, 0, "disabled sites are not scheduled");
        }
        assert!(Instant::now() - start < Duration::from_secs(60));
        // The first checks were spread, not fired together.
        assert!(Instant::now() - start > Duration::from_secs(30));
    }

    #[tokio::test(start_paused = true)]
    async fn a_site_comes_due_every_interval_without_drift() {
        let (_schedule, mut source) = local_schedule();
        let start = Instant::now();
        let site = website(1, true, 5);
        lock(&source.table).insert(
            site.id,
            Duration::from_secs(5),
            start,
            Arc::new(CheckTarget::from(&site)),
        );
        for n in 0..4u32 {
            source.next_due().await;
            assert_eq!(Instant::now() - start, Duration::from_secs(5) * n);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn changes_through_the_port_apply_at_once() {
        let (schedule, mut source) = local_schedule();
        let start = Instant::now();
        source.load(&[website(1, true, 3600)], start);
        // Added through the API: checked right away.
        schedule.add(&website(2, true, 10)).await;
        assert_eq!(source.next_due().await.target.id.get(), 2);
        assert_eq!(Instant::now(), start);
        // Disabled: never again.
        schedule.remove(WebsiteId::new(2).unwrap()).await;
        // Re-timed from an hour to 2 s: due within 2 s.
        schedule.reschedule(&website(1, true, 2)).await;
        let due = source.next_due().await;
        assert_eq!(due.target.id.get(), 1);
        assert!(Instant::now() - start <= Duration::from_secs(2));
        assert_eq!(source.len(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn the_view_tells_when_a_site_is_due_next() {
        let (_schedule, mut source) = local_schedule();
        let view = source.view();
        source.load(&[website(1, true, 60), website(2, false, 60)], Instant::now());
        let due = view.next_due(WebsiteId::new(1).unwrap()).unwrap();
        let ahead = due - OffsetDateTime::now_utc();
        assert!(ahead >= time::Duration::ZERO && ahead <= time::Duration::seconds(60), "{ahead}");
        assert_eq!(view.next_due(WebsiteId::new(2).unwrap()), None, "disabled: not scheduled");
    }

    #[tokio::test(start_paused = true)]
    async fn an_empty_schedule_wakes_for_a_new_site() {
        let (schedule, mut source) = local_schedule();
        let waiter = tokio::spawn(async move { source.next_due().await });
        tokio::time::sleep(Duration::from_secs(30)).await;
        schedule.add(&website(5, true, 60)).await;
        assert_eq!(waiter.await.unwrap().target.id.get(), 5);
    }
}
