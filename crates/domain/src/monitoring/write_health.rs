//! Whether check results are being stored, or held because the database cannot take them (and
//! why): the value `/health` reports, and the port the check recorder implements to tell it.

/// Why the check recorder cannot store results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteFault {
    /// The database does not answer.
    Unavailable,
    /// The database answers but its disk is full.
    DiskFull,
    /// The database answers but its storage fails to write (an I/O error).
    IoError,
}

impl WriteFault {
    /// The stable name the API shows: `unavailable`, `disk_full`, `io_error`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Unavailable => "unavailable",
            Self::DiskFull => "disk_full",
            Self::IoError => "io_error",
        }
    }
}

/// The check recorder's state: storing (`fault` is `None`), or holding results since a write
/// failed for `fault`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WriteHealth {
    /// Why the latest write failed; `None` while results are stored.
    pub fault: Option<WriteFault>,
    /// Results held in memory, to be written when the database takes them again.
    pub held: u64,
    /// Results dropped since writing stopped (beyond the holding bound).
    pub dropped: u64,
}

impl WriteHealth {
    /// True while results are stored as they come.
    pub fn is_writing(&self) -> bool {
        self.fault.is_none()
    }
}

/// What the check recorder reports about its writes. Object-safe, so that the website service
/// can hold one whatever the recorder's type.
pub trait WriterState: std::fmt::Debug + Send + Sync + 'static {
    fn write_health(&self) -> WriteHealth;
}

/// What `GET /health` reports once the database has answered.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HealthReport {
    /// The check recorder's writes (always writing when no recorder runs).
    pub writes: WriteHealth,
    /// The document this server owns (`config_file.path`), when it owns one. An invalid one
    /// does not make the server unhealthy: the last good version stays applied.
    pub config_file: Option<crate::manifest::FileHealth>,
}

impl HealthReport {
    /// Healthy when the database answers and check results are stored.
    pub fn is_healthy(&self) -> bool {
        self.writes.is_writing()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn healthy_only_while_writing() {
        assert!(HealthReport::default().is_healthy());
        let full = WriteHealth { fault: Some(WriteFault::DiskFull), held: 3, dropped: 0 };
        assert!(!HealthReport { writes: full, config_file: None }.is_healthy());
        assert_eq!(WriteFault::DiskFull.code(), "disk_full");
        assert_eq!(WriteFault::IoError.code(), "io_error");
        assert_eq!(WriteFault::Unavailable.code(), "unavailable");
    }
}
