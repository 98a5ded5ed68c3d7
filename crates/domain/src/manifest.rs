//! Monitoring as code: a document declares channels, sites, maintenance windows and status
//! pages (each under a stable key), and applying it makes storage match. The plan — create, update field by field, delete what the
//! file once made and no longer lists — is a pure function of the document, what is stored
//! and who owns it; the service applies it all or nothing and keeps the schedule in step.
//!
//! Ownership: an item the file made or adopted carries its [`Managed`] mark (the file's
//! [`Owner`] and the item's [`ItemKey`]); hand edits of such items are refused unless forced.
//! Items made through the API or the pages are never touched unless the file adopts them.

mod channels;
mod document;
mod document_plan;
mod errors;
mod file_health;
mod key;
mod maintenance_windows;
mod plan;
mod ports;
mod refs;
mod service;
mod sites;
mod status_pages;

pub use channels::{ChannelField, Channels};
pub use document::{Declared, Document};
pub use document_plan::{ChannelStep, Plan, SiteStep, plan_document};
pub use errors::{ApplyError, PlanError, PlanProblem};
pub use file_health::{FileHealth, FileHealthSource, FileState};
pub use key::{ItemKey, ItemKeyError, Managed, Owner, OwnerError};
pub use maintenance_windows::{DeclaredMaintenance, MaintenanceWindows};
pub use plan::{ItemKind, Step, counts, plan_items};
#[cfg(any(test, feature = "mocks"))]
pub use ports::MockManifestRepository;
pub use ports::{
    ChannelWrite, ItemWrite, MaintenanceWrite, ManifestReadError, ManifestRepository,
    ManifestWriteError, ManifestWrites, SiteWrite, SiteWritten, StatusPageWrite, StoredItems,
};
pub use refs::{ChannelRef, Ref, SiteRef};
pub use service::{ApplyOptions, ApplyReport, Manifest};
pub use sites::{DeclaredSite, SiteField, Sites, replacing_patch};
pub use status_pages::{DeclaredStatusPage, Pages};
