//! The embedded schedule: a `Schedule` port handle for the API side, a source of due checks
//! for the worker side, and the returns that bring each check's result (breaker, next due
//! time) back to it — all joined by one channel into the table the source owns.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use lookout_domain::regions::RegionName;
use lookout_domain::website::Schedule;
use lookout_domain::{
    CheckResult, CheckTarget, CircuitBreaker, DueCheck, EngineState, Website, WebsiteId,
};
use time::OffsetDateTime;
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::ScheduleTable;
use crate::due_check::{CheckJob, CheckSource, SlotReturns, sleep_until};

#[derive(Debug)]
enum Command {
    Add { target: Arc<CheckTarget>, interval: Duration },
    Remove { id: WebsiteId },
    Complete { ticket: LocalTicket, breaker: CircuitBreaker, next_due: Instant },
}

/// The `Schedule` port of the embedded scheduler. Cheap to clone; changes reach the
/// [`ScheduleSource`] at once. It schedules the sites this node's region checks: those that
/// chose no region, and those that chose it.
#[derive(Debug, Clone)]
pub struct LocalSchedule {
    commands: mpsc::UnboundedSender<Command>,
    region: Option<RegionName>,
}

/// The local schedule's hold on a slot handed out.
#[derive(Debug)]
pub struct LocalTicket {
    id: WebsiteId,
    generation: u32,
    /// The slot, on this process's monotonic clock.
    due: Instant,
}

/// Where the worker hands results back to the local schedule.
#[derive(Debug, Clone)]
pub struct LocalReturns {
    commands: mpsc::UnboundedSender<Command>,
}

/// The schedule's state: each site's next slot, and the breakers of sites that have failed
/// lately (a site with a clean record has no entry).
#[derive(Debug, Default)]
struct State {
    table: ScheduleTable<Arc<CheckTarget>>,
    breakers: HashMap<WebsiteId, CircuitBreaker>,
}

type SharedState = Arc<Mutex<State>>;

/// Yields each scheduled site when its check comes due.
#[derive(Debug)]
pub struct ScheduleSource {
    state: SharedState,
    commands: mpsc::UnboundedReceiver<Command>,
    returns: LocalReturns,
    /// This node's region: it loads the sites its region checks.
    region: Option<RegionName>,
}

/// Read access to the schedule for status queries: when a site is due next, its breaker.
#[derive(Debug, Clone)]
pub struct ScheduleView {
    state: SharedState,
}

impl EngineState for ScheduleView {
    /// The next due time of a site (wall clock), if it is scheduled; the slot being checked
    /// while its check runs.
    fn next_due(&self, id: WebsiteId) -> Option<OffsetDateTime> {
        let due = lock(&self.state).table.next_due(id)?;
        let now = Instant::now();
        let wall = OffsetDateTime::now_utc();
        Some(if due >= now { wall + (due - now) } else { wall - (now - due) })
    }

    fn breaker(&self, id: WebsiteId) -> CircuitBreaker {
        lock(&self.state).breakers.get(&id).copied().unwrap_or_default()
    }

    fn open_breakers(&self) -> usize {
        let state = lock(&self.state);
        state.breakers.values().filter(|b| !matches!(b, CircuitBreaker::Closed { .. })).count()
    }
}

fn lock<T>(state: &Mutex<T>) -> MutexGuard<'_, T> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A connected pair for a node of `region` (`None`: a node with no region label): changes sent
/// through the `LocalSchedule` are applied by the source.
pub fn local_schedule(region: Option<RegionName>) -> (LocalSchedule, ScheduleSource) {
    let (tx, rx) = mpsc::unbounded_channel();
    let source = ScheduleSource {
        state: SharedState::default(),
        commands: rx,
        returns: LocalReturns { commands: tx.clone() },
        region: region.clone(),
    };
    (LocalSchedule { commands: tx, region }, source)
}

fn send(commands: &mpsc::UnboundedSender<Command>, command: Command) {
    // A closed channel means the scheduler has stopped: nothing is left to schedule.
    if commands.send(command).is_err() {
        tracing::debug!("Schedule change ignored: the scheduler has stopped");
    }
}

impl Schedule for LocalSchedule {
    /// Schedules the site, or re-reads it (a new interval re-times it), if this node's region
    /// checks it; otherwise makes sure it is not scheduled here.
    async fn add(&self, website: &Website) {
        if !website.regions.checked_from(self.region.as_ref()) {
            send(&self.commands, Command::Remove { id: website.id });
            return;
        }
        let target = Arc::new(CheckTarget::from(website));
        let interval = website.check_interval.as_duration();
        send(&self.commands, Command::Add { target, interval });
    }

    async fn remove(&self, id: WebsiteId) {
        send(&self.commands, Command::Remove { id });
    }

    async fn reschedule(&self, website: &Website) {
        self.add(website).await;
    }
}

impl SlotReturns for LocalReturns {
    type Ticket = LocalTicket;

    fn complete(&self, ticket: LocalTicket, due: &DueCheck, result: &CheckResult) {
        let ahead = result.next_due - due.due_at;
        let next_due = Duration::try_from(ahead).map_or(ticket.due, |ahead| ticket.due + ahead);
        send(&self.commands, Command::Complete { ticket, breaker: result.breaker, next_due });
    }
}

/// Where in `[0, 1)` a site's first check falls within its first interval, so that sites
/// loaded together are spread out rather than all checked at once. Deterministic per id.
fn spread_fraction(id: WebsiteId) -> f64 {
    let mixed = (id.get() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (mixed >> 11) as f64 / (1u64 << 53) as f64
}

impl ScheduleSource {
    /// Schedules the enabled sites among `websites` that this node's region checks, their first
    /// checks spread over one interval. Returns how many were scheduled.
    pub fn load(&mut self, websites: &[Website], now: Instant) -> usize {
        let table = &mut lock(&self.state).table;
        let before = table.len();
        let checked_here = |w: &&Website| w.regions.checked_from(self.region.as_ref());
        for website in websites.iter().filter(|w| w.enabled).filter(checked_here) {
            let interval = website.check_interval.as_duration();
            let first = now + interval.mul_f64(spread_fraction(website.id));
            table.insert(website.id, interval, first, Arc::new(CheckTarget::from(website)));
        }
        metrics::gauge!("lookout_scheduled_sites").set(table.len() as f64);
        table.len() - before
    }

    /// Number of scheduled sites.
    pub fn len(&self) -> usize {
        lock(&self.state).table.len()
    }

    pub fn is_empty(&self) -> bool {
        lock(&self.state).table.is_empty()
    }

    /// A read handle for status queries.
    pub fn view(&self) -> ScheduleView {
        ScheduleView { state: Arc::clone(&self.state) }
    }

    fn apply(&mut self, command: Command, now: Instant) {
        let mut state = lock(&self.state);
        let State { table, breakers } = &mut *state;
        match command {
            Command::Complete { ticket, breaker, next_due } => {
                let scheduled = table.complete(ticket.id, ticket.generation, next_due);
                if scheduled && breaker != CircuitBreaker::default() {
                    breakers.insert(ticket.id, breaker);
                } else {
                    breakers.remove(&ticket.id);
                }
                return;
            }
            Command::Add { target, interval } if table.contains(target.id) => {
                table.retime(target.id, interval, now, target);
            }
            Command::Add { target, interval } => table.insert(target.id, interval, now, target),
            Command::Remove { id } => {
                table.remove(id);
                breakers.remove(&id);
            }
        }
        metrics::gauge!("lookout_scheduled_sites").set(table.len() as f64);
        tracing::debug!(scheduled = table.len(), "Schedule changed");
    }

    /// Hands out the earliest due site, if any is due at `now`.
    fn take_due(&self, now: Instant) -> Option<CheckJob<LocalTicket>> {
        let mut state = lock(&self.state);
        let taken = state.table.take_due(now)?;
        let id = taken.payload.id;
        let breaker = state.breakers.get(&id).copied().unwrap_or_default();
        let late = now.saturating_duration_since(taken.due);
        let due = DueCheck {
            target: taken.payload,
            due_at: OffsetDateTime::now_utc() - late,
            interval: taken.interval,
            breaker,
        };
        Some(CheckJob {
            due,
            ticket: LocalTicket { id, generation: taken.generation, due: taken.due },
        })
    }

    /// Waits for the next due check. Schedule changes and results are applied as they arrive.
    pub async fn next_due(&mut self) -> CheckJob<LocalTicket> {
        loop {
            let now = Instant::now();
            while let Ok(command) = self.commands.try_recv() {
                self.apply(command, now);
            }
            if let Some(job) = self.take_due(now) {
                return job;
            }
            let wake = lock(&self.state).table.peek_due();
            // The source holds a sender itself (its returns): the channel never closes.
            tokio::select! {
                Some(command) = self.commands.recv() => self.apply(command, Instant::now()),
                () = sleep_until(wake) => {}
            }
        }
    }
}

impl CheckSource for ScheduleSource {
    type Returns = LocalReturns;

    fn next_due(&mut self) -> impl std::future::Future<Output = CheckJob<LocalTicket>> + Send {
        ScheduleSource::next_due(self)
    }

    fn returns(&self) -> LocalReturns {
        self.returns.clone()
    }
}

#[cfg(test)]
mod tests {
    use lookout_domain::{CheckInterval, CheckRun, IntervalBounds, WebsiteName, WebsiteUrl};

    use super::*;

    /// Hands a check's result back as the worker does: `breaker` after it, due at its next slot
    /// (or when the breaker lets a trial run).
    fn finish(source: &ScheduleSource, job: CheckJob<LocalTicket>, breaker: CircuitBreaker) {
        let result = job.due.result(CheckRun::SiteGone, breaker, job.due.due_at);
        source.returns().complete(job.ticket, &job.due, &result);
    }

    fn website(id: i64, enabled: bool, secs: i64) -> Website {
        Website {
            id: WebsiteId::new(id).unwrap(),
            url: WebsiteUrl::parse(&format!("https://site{id}.example")).unwrap(),
            name: WebsiteName::parse("site").unwrap(),
            enabled,
            check_interval: CheckInterval::new(secs, IntervalBounds::new(1, 3600).unwrap())
                .unwrap(),
            alerts: None,
            check: lookout_domain::checks::CheckSpec::default(),
            public: false,
            regions: Default::default(),
            managed: None,
            created_at: OffsetDateTime::UNIX_EPOCH,
            updated_at: OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn loads_enabled_sites_spread_over_one_interval() {
        let (_schedule, mut source) = local_schedule(None);
        let sites: Vec<_> = (1..=100).map(|i| website(i, i % 10 != 0, 60)).collect();
        let start = Instant::now();
        assert_eq!(source.load(&sites, start), 90);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..90 {
            let job = source.next_due().await;
            let id = job.due.target.id.get();
            assert!(seen.insert(id), "each site once in the first interval");
            assert_ne!(id % 10, 0, "disabled sites are not scheduled");
            finish(&source, job, CircuitBreaker::default());
        }
        assert!(Instant::now() - start < Duration::from_secs(60));
        // The first checks were spread, not fired together.
        assert!(Instant::now() - start > Duration::from_secs(30));
    }

    #[tokio::test(start_paused = true)]
    async fn a_site_comes_due_every_interval_without_drift() {
        let (_schedule, mut source) = local_schedule(None);
        let start = Instant::now();
        let site = website(1, true, 5);
        lock(&source.state).table.insert(
            site.id,
            Duration::from_secs(5),
            start,
            Arc::new(CheckTarget::from(&site)),
        );
        for n in 0..4u32 {
            let job = source.next_due().await;
            assert_eq!(Instant::now() - start, Duration::from_secs(5) * n);
            assert_eq!(job.due.interval, Duration::from_secs(5));
            finish(&source, job, CircuitBreaker::default());
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_site_is_not_handed_out_again_before_its_check_is_back() {
        let (_schedule, mut source) = local_schedule(None);
        let view = source.view();
        let start = Instant::now();
        source.load(&[website(1, true, 5)], start);
        let job = source.next_due().await;
        let id = job.due.target.id;
        // Its check runs for three intervals: no second check of the site meanwhile.
        let again = tokio::time::timeout(Duration::from_secs(15), source.next_due()).await;
        assert!(again.is_err(), "handed out twice");
        // It comes back with an open breaker: held until the trial, which the view shows.
        let until = job.due.due_at + time::Duration::seconds(60);
        finish(&source, job, CircuitBreaker::Open { until });
        let next = source.next_due().await;
        assert_eq!(next.due.target.id, id);
        assert_eq!(next.due.breaker, CircuitBreaker::Open { until });
        assert_eq!(view.breaker(id), CircuitBreaker::Open { until });
        assert_eq!(view.open_breakers(), 1);
        assert!(Instant::now() - start >= Duration::from_secs(59), "not before the trial");
        finish(&source, next, CircuitBreaker::default());
        tokio::task::yield_now().await;
        let _ = tokio::time::timeout(Duration::from_millis(1), source.next_due()).await;
        assert_eq!(view.open_breakers(), 0, "a clean record is forgotten");
    }

    #[tokio::test(start_paused = true)]
    async fn changes_through_the_port_apply_at_once() {
        let (schedule, mut source) = local_schedule(None);
        let start = Instant::now();
        source.load(&[website(1, true, 3600)], start);
        // Added through the API: checked right away.
        schedule.add(&website(2, true, 10)).await;
        let job = source.next_due().await;
        assert_eq!(job.due.target.id.get(), 2);
        assert_eq!(Instant::now(), start);
        finish(&source, job, CircuitBreaker::default());
        // Disabled: never again.
        schedule.remove(WebsiteId::new(2).unwrap()).await;
        // Re-timed from an hour to 2 s: due within 2 s.
        schedule.reschedule(&website(1, true, 2)).await;
        let job = source.next_due().await;
        assert_eq!(job.due.target.id.get(), 1);
        assert!(Instant::now() - start <= Duration::from_secs(2));
        assert_eq!(source.len(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn the_view_tells_when_a_site_is_due_next() {
        let (_schedule, mut source) = local_schedule(None);
        let view = source.view();
        source.load(&[website(1, true, 60), website(2, false, 60)], Instant::now());
        let due = view.next_due(WebsiteId::new(1).unwrap()).unwrap();
        let ahead = due - OffsetDateTime::now_utc();
        assert!(ahead >= time::Duration::ZERO && ahead <= time::Duration::seconds(60), "{ahead}");
        assert_eq!(view.next_due(WebsiteId::new(2).unwrap()), None, "disabled: not scheduled");
    }

    #[tokio::test(start_paused = true)]
    async fn an_empty_schedule_wakes_for_a_new_site() {
        let (schedule, mut source) = local_schedule(None);
        let waiter = tokio::spawn(async move { source.next_due().await });
        tokio::time::sleep(Duration::from_secs(30)).await;
        schedule.add(&website(5, true, 60)).await;
        assert_eq!(waiter.await.unwrap().due.target.id.get(), 5);
    }
}
