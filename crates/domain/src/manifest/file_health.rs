//! How the document a server owns (`config_file.path`) stands: read and applied, or invalid
//! with its problems (the last good version stays applied). `GET /health` shows it.

use time::OffsetDateTime;

/// Where a server's own document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    /// Not read yet.
    Pending,
    /// The current version is applied.
    Applied,
    /// The current version cannot be applied; the last good one stays.
    Invalid,
}

impl FileState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Applied => "applied",
            Self::Invalid => "invalid",
        }
    }
}

/// The document a server owns, as `GET /health` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileHealth {
    pub path: String,
    pub state: FileState,
    /// When a version of the file was last applied (or found applied already).
    pub applied_at: Option<OffsetDateTime>,
    /// The current version's problems, each placed in the file (`sites.yaml:4:5: …`); empty
    /// unless invalid.
    pub errors: Vec<String>,
}

/// What reports the owned document's state (the job that applies it). Object-safe.
pub trait FileHealthSource: std::fmt::Debug + Send + Sync + 'static {
    fn file_health(&self) -> FileHealth;
}
