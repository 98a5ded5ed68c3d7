//! The check writer's health, shared with whoever asks (`/health`, through the domain's
//! `WriterState` port): writing, or holding results since a write failed, and why.

use std::sync::{Arc, Mutex, PoisonError};

use lookout_domain::{WriteHealth, WriterState};

/// A handle on the check writer's current [`WriteHealth`]. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct CheckWriterHealth(Arc<Mutex<WriteHealth>>);

impl CheckWriterHealth {
    pub(crate) fn set(&self, health: WriteHealth) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = health;
    }
}

impl WriterState for CheckWriterHealth {
    fn write_health(&self) -> WriteHealth {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
