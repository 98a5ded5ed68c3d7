//! The `config-file` job: the document a server owns (`config_file.path`) is applied at start
//! and whenever its text changes — once the new text has stayed the same for a whole poll, so a
//! save in several writes is applied once. An invalid version is not applied: the last good one
//! stays, and the problems go to `/health` (through [`ConfigFileWatch`]), an ERROR log and
//! `lookout_config_file_valid` 0. Several nodes may own the same file: the store serialises
//! document writes, so one applies and the others find nothing to do.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use lookout_domain::manifest::{
    ApplyError, ApplyOptions, Document, FileHealth, FileHealthSource, FileState, Manifest, Owner,
    PlanError,
};
use lookout_domain::{Clock, ErrorChain};

use crate::PeriodicJob;

/// A document as read from the file and parsed, able to place the plan's problems in it.
pub struct SourceDocument {
    pub document: Document,
    /// `file:line:column: field: message` for a problem the plan found.
    pub place: Box<dyn Fn(&PlanError) -> String + Send + Sync>,
}

/// Where the document comes from: its text, and how text becomes a document (the app's: env
/// substitution and the API's document format).
pub trait DocumentSource: Send + Sync + 'static {
    /// The file's text, or why it cannot be read.
    fn read(&self) -> Result<String, String>;

    /// The document, or every problem placed in the file.
    fn parse(&self, text: &str) -> Result<SourceDocument, Vec<String>>;
}

/// The state `/health` shows, shared between the job and the website service.
#[derive(Debug)]
pub struct ConfigFileWatch {
    health: Mutex<FileHealth>,
}

impl ConfigFileWatch {
    pub fn new(path: &str) -> Arc<Self> {
        let health = FileHealth {
            path: path.to_owned(),
            state: FileState::Pending,
            applied_at: None,
            errors: Vec::new(),
        };
        Arc::new(Self { health: Mutex::new(health) })
    }

    fn update(&self, change: impl FnOnce(&mut FileHealth)) {
        change(&mut self.health.lock().unwrap_or_else(PoisonError::into_inner));
    }
}

impl std::fmt::Debug for SourceDocument {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceDocument").field("document", &self.document).finish_non_exhaustive()
    }
}

impl<M, S, C> std::fmt::Debug for ConfigFile<M, S, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfigFile")
            .field("options", &self.options)
            .field("every", &self.every)
            .finish_non_exhaustive()
    }
}

impl FileHealthSource for ConfigFileWatch {
    fn file_health(&self) -> FileHealth {
        self.health.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

/// What the job has seen of the file.
#[derive(Debug, Default)]
struct Seen {
    /// The text last applied or found invalid (not read again until it changes).
    settled: Option<String>,
    /// A new text seen once, applied when the next poll finds it the same.
    pending: Option<String>,
    runs: u64,
}

/// Applies the owned document every time it changes.
pub struct ConfigFile<M, S, C> {
    manifest: M,
    source: S,
    clock: C,
    options: ApplyOptions,
    every: Duration,
    watch: Arc<ConfigFileWatch>,
    seen: Mutex<Seen>,
}

impl<M: Manifest, S: DocumentSource, C: Clock> ConfigFile<M, S, C> {
    /// Polls every `every` (at least 100 ms); `prune` deletes the sites the file made and no
    /// longer lists.
    pub fn new(
        manifest: M,
        source: S,
        clock: C,
        owner: Owner,
        prune: bool,
        every: Duration,
        watch: Arc<ConfigFileWatch>,
    ) -> Self {
        let options = ApplyOptions { owner, prune, dry_run: false };
        let every = every.max(Duration::from_millis(100));
        Self { manifest, source, clock, options, every, watch, seen: Mutex::new(Seen::default()) }
    }

    /// The text to apply now, if any: a new text the previous poll saw too (at start, at once).
    fn due(&self, text: String) -> Option<String> {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        seen.runs += 1;
        if seen.settled.as_ref() == Some(&text) {
            seen.pending = None;
            return None;
        }
        if seen.runs == 1 || seen.pending.as_ref() == Some(&text) {
            seen.pending = None;
            return Some(text);
        }
        seen.pending = Some(text);
        None
    }

    fn settle(&self, text: String) {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner).settled = Some(text);
    }

    fn invalid(&self, text: String, errors: Vec<String>) {
        let path = self.watch.file_health().path;
        tracing::error!(
            path,
            problems = errors.len(),
            errors = %errors.join("; "),
            "The config file is invalid; the last good version stays applied"
        );
        metrics::gauge!("lookout_config_file_valid").set(0.0);
        metrics::counter!("lookout_config_file_applies_total", "outcome" => "invalid").increment(1);
        self.watch.update(|health| {
            health.state = FileState::Invalid;
            health.errors = errors;
        });
        self.settle(text);
    }
}

impl<M: Manifest, S: DocumentSource, C: Clock> PeriodicJob for ConfigFile<M, S, C> {
    fn name(&self) -> &'static str {
        "config-file"
    }

    fn period(&self) -> Duration {
        self.every
    }

    fn runs_at_start(&self) -> bool {
        true
    }

    async fn run(&self) {
        let text = match self.source.read() {
            Ok(text) => text,
            // Said once: a file that stays unreadable is not an ERROR every poll.
            Err(error) if self.watch.file_health().errors == [error.clone()] => return,
            Err(error) => return self.invalid(String::new(), vec![error]),
        };
        let Some(text) = self.due(text) else { return };
        let parsed = match self.source.parse(&text) {
            Ok(parsed) => parsed,
            Err(errors) => return self.invalid(text, errors),
        };
        match self.manifest.apply(parsed.document, self.options.clone()).await {
            Ok(report) => {
                let (created, updated, deleted) = report.plan.counts();
                let outcome = if report.applied { "applied" } else { "unchanged" };
                tracing::info!(owner = %self.options.owner, created, updated, deleted, outcome, "Config file read");
                metrics::gauge!("lookout_config_file_valid").set(1.0);
                metrics::counter!("lookout_config_file_applies_total", "outcome" => outcome)
                    .increment(1);
                let now = self.clock.now();
                self.watch.update(|health| {
                    health.state = FileState::Applied;
                    health.applied_at = Some(now);
                    health.errors.clear();
                });
                self.settle(text);
            }
            Err(ApplyError::Invalid(problems)) => {
                let placed = problems.iter().map(|problem| (parsed.place)(problem)).collect();
                self.invalid(text, placed);
            }
            // Storage trouble or a busy store: the same text is tried again next poll.
            Err(error) => {
                tracing::warn!(error = %ErrorChain(&error), "Cannot apply the config file now; trying again");
                metrics::counter!("lookout_config_file_applies_total", "outcome" => "failed")
                    .increment(1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use lookout_domain::SystemClock;
    use lookout_domain::manifest::{ApplyReport, Plan};

    use super::*;

    /// A file whose text the test sets; "bad" does not parse.
    struct Text(Mutex<String>);

    impl DocumentSource for Arc<Text> {
        fn read(&self) -> Result<String, String> {
            Ok(self.0.lock().unwrap().clone())
        }

        fn parse(&self, text: &str) -> Result<SourceDocument, Vec<String>> {
            if text == "bad" {
                return Err(vec!["sites.yaml:1:1: not a document".to_owned()]);
            }
            Ok(SourceDocument { document: Document::default(), place: Box::new(|p| p.to_string()) })
        }
    }

    /// Counts applies; fails while `down` is set.
    #[derive(Clone, Default)]
    struct Applies {
        count: Arc<AtomicUsize>,
        down: Arc<std::sync::atomic::AtomicBool>,
    }

    impl Manifest for Applies {
        async fn apply(
            &self,
            _: Document,
            options: ApplyOptions,
        ) -> Result<ApplyReport, ApplyError> {
            if self.down.load(Ordering::SeqCst) {
                return Err(ApplyError::Unavailable("down".into()));
            }
            self.count.fetch_add(1, Ordering::SeqCst);
            let plan = Plan {
                owner: options.owner,
                prune: options.prune,
                channels: Vec::new(),
                websites: Vec::new(),
                maintenance: Vec::new(),
                status_pages: Vec::new(),
            };
            Ok(ApplyReport { plan, applied: false })
        }
    }

    fn job(
        text: &Arc<Text>,
        applies: &Applies,
    ) -> (ConfigFile<Applies, Arc<Text>, SystemClock>, Arc<ConfigFileWatch>) {
        let watch = ConfigFileWatch::new("/etc/lookout/sites.yaml");
        let owner = Owner::file("sites.yaml").unwrap();
        let job = ConfigFile::new(
            applies.clone(),
            Arc::clone(text),
            SystemClock,
            owner,
            true,
            Duration::from_secs(1),
            Arc::clone(&watch),
        );
        (job, watch)
    }

    #[tokio::test]
    async fn applied_at_start_then_once_a_change_reads_the_same_twice() {
        let text = Arc::new(Text(Mutex::new("one".into())));
        let applies = Applies::default();
        let (job, watch) = job(&text, &applies);
        assert_eq!(watch.file_health().state, FileState::Pending);
        job.run().await;
        assert_eq!(applies.count.load(Ordering::SeqCst), 1, "at start, at once");
        assert_eq!(watch.file_health().state, FileState::Applied);
        job.run().await;
        assert_eq!(applies.count.load(Ordering::SeqCst), 1, "the same text is not applied again");

        *text.0.lock().unwrap() = "two".into();
        job.run().await;
        assert_eq!(applies.count.load(Ordering::SeqCst), 1, "a new text waits for a second read");
        *text.0.lock().unwrap() = "three".into();
        job.run().await;
        assert_eq!(applies.count.load(Ordering::SeqCst), 1, "still changing: still waiting");
        job.run().await;
        assert_eq!(applies.count.load(Ordering::SeqCst), 2, "read the same twice: applied");
    }

    #[tokio::test]
    async fn a_bad_version_is_reported_once_and_the_fix_applies() {
        let text = Arc::new(Text(Mutex::new("bad".into())));
        let applies = Applies::default();
        let (job, watch) = job(&text, &applies);
        job.run().await;
        let health = watch.file_health();
        assert_eq!((health.state, health.errors.len()), (FileState::Invalid, 1));
        job.run().await;
        assert_eq!(applies.count.load(Ordering::SeqCst), 0);

        *text.0.lock().unwrap() = "good".into();
        job.run().await;
        job.run().await;
        let health = watch.file_health();
        assert_eq!((health.state, health.errors.len()), (FileState::Applied, 0));
        assert!(health.applied_at.is_some());
    }

    #[tokio::test]
    async fn a_storage_failure_is_tried_again_on_the_next_poll() {
        let text = Arc::new(Text(Mutex::new("one".into())));
        let applies = Applies::default();
        applies.down.store(true, Ordering::SeqCst);
        let (job, watch) = job(&text, &applies);
        job.run().await;
        assert_eq!(watch.file_health().state, FileState::Pending);
        applies.down.store(false, Ordering::SeqCst);
        job.run().await;
        job.run().await;
        assert_eq!(applies.count.load(Ordering::SeqCst), 1);
        assert_eq!(watch.file_health().state, FileState::Applied);
    }
}
