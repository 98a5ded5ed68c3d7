//! The alert benchmark's targets: site `n` (1..=N) is `/s/{n}` on listener `n % L` (as
//! `sites::create` and `BenchDatabase::insert_sites` lay them out), so the bench can take any
//! set of sites down or up; and a meter of the checks they answer (the check rate).

use std::time::{Duration, Instant};

use lookout_target_farm::TargetServer;

/// The farm's listeners.
pub(crate) struct Farm {
    servers: Vec<TargetServer>,
}

impl Farm {
    pub(crate) async fn start(listeners: usize) -> Self {
        let mut servers = Vec::new();
        for _ in 0..listeners.max(1) {
            servers.push(TargetServer::start().await);
        }
        Self { servers }
    }

    /// `http://127.0.0.1:PORT` of each listener, in order.
    pub(crate) fn bases(&self) -> Vec<String> {
        self.servers.iter().map(|s| format!("http://127.0.0.1:{}", s.address().port())).collect()
    }

    /// Makes the given sites answer `status` from now on.
    pub(crate) fn set(&self, sites: impl IntoIterator<Item = u64>, status: u16) {
        let listeners = self.servers.len() as u64;
        for n in sites {
            let index = usize::try_from(n % listeners).unwrap_or(0);
            if let Some(server) = self.servers.get(index) {
                server.set_status(&format!("/s/{n}"), status);
            }
        }
    }

    /// Requests answered so far (every check that reached a target).
    pub(crate) fn hits(&self) -> u64 {
        self.servers.iter().map(TargetServer::total_hits).sum()
    }
}

/// The farm's answered requests sampled over time: the check rate of a window and its slowest
/// second.
pub(crate) struct Meter {
    samples: Vec<(Instant, u64)>,
}

/// The check rate over a window.
#[derive(Debug, Clone)]
pub(crate) struct Rate {
    /// Checks per second over the whole window.
    pub(crate) mean: f64,
    /// The slowest whole second in it.
    pub(crate) slowest: f64,
    pub(crate) secs: f64,
    /// Each whole second's rate, in order.
    pub(crate) seconds: Vec<f64>,
}

impl Meter {
    pub(crate) fn start(farm: &Farm) -> Self {
        Self { samples: vec![(Instant::now(), farm.hits())] }
    }

    /// Takes a sample when a second has passed since the last one.
    pub(crate) fn tick(&mut self, farm: &Farm) {
        if self.samples.last().is_none_or(|(at, _)| at.elapsed() >= Duration::from_secs(1)) {
            self.samples.push((Instant::now(), farm.hits()));
        }
    }

    /// Ends the window with a last sample.
    pub(crate) fn finish(mut self, farm: &Farm) -> Rate {
        self.samples.push((Instant::now(), farm.hits()));
        let per_sec = |a: &(Instant, u64), b: &(Instant, u64)| {
            (b.1 - a.1) as f64 / (b.0 - a.0).as_secs_f64().max(1e-3)
        };
        let seconds: Vec<f64> = self
            .samples
            .windows(2)
            .filter(|w| w[1].0 - w[0].0 >= Duration::from_millis(900))
            .map(|w| per_sec(&w[0], &w[1]))
            .collect();
        let slowest = seconds.iter().copied().fold(f64::INFINITY, f64::min);
        let (first, last) = (self.samples[0], self.samples[self.samples.len() - 1]);
        Rate {
            mean: per_sec(&first, &last),
            slowest: if slowest.is_finite() { slowest } else { f64::NAN },
            secs: (last.0 - first.0).as_secs_f64(),
            seconds,
        }
    }
}
