//! The schedule the API's changes go to: this process's own, or the shared one in PostgreSQL
//! (`scheduler.mode`).

use lookout_domain::website::Schedule;
use lookout_domain::{Website, WebsiteId};
use lookout_jobs::{LocalSchedule, SharedSchedule};
use lookout_store::PgSharedSchedule;

#[derive(Debug, Clone)]
pub(crate) enum ScheduleChoice {
    Local(LocalSchedule),
    Shared(SharedSchedule<PgSharedSchedule>),
}

impl Schedule for ScheduleChoice {
    async fn add(&self, website: &Website) {
        match self {
            Self::Local(schedule) => schedule.add(website).await,
            Self::Shared(schedule) => schedule.add(website).await,
        }
    }

    async fn remove(&self, id: WebsiteId) {
        match self {
            Self::Local(schedule) => schedule.remove(id).await,
            Self::Shared(schedule) => schedule.remove(id).await,
        }
    }

    async fn reschedule(&self, website: &Website) {
        match self {
            Self::Local(schedule) => schedule.reschedule(website).await,
            Self::Shared(schedule) => schedule.reschedule(website).await,
        }
    }
}
