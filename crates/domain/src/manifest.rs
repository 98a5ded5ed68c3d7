//! Monitoring as code: a document declares sites (each under a stable key), and applying it
//! makes storage match. The plan — create, update field by field, delete what the file once
//! made and no longer lists — is a pure function of the document, what is stored and who owns
//! it; the service applies it all or nothing and keeps the schedule in step.
//!
//! Ownership: an item the file made or adopted carries its [`Managed`] mark (the file's
//! [`Owner`] and the item's [`ItemKey`]); hand edits of such items are refused unless forced.
//! Items made through the API or the pages are never touched unless the file adopts them.

mod document;
mod errors;
mod file_health;
mod key;
mod plan;
mod ports;
mod service;
mod site_diff;

pub use document::{Declared, Document};
pub use errors::{ApplyError, PlanError};
pub use file_health::{FileHealth, FileHealthSource, FileState};
pub use key::{ItemKey, ItemKeyError, Managed, Owner, OwnerError};
pub use plan::{Plan, SitePlan, SiteStep, plan_sites};
#[cfg(any(test, feature = "mocks"))]
pub use ports::MockManifestRepository;
pub use ports::{ManifestRepository, ManifestWriteError, SiteWrite, SiteWritten};
pub use service::{ApplyOptions, ApplyReport, Manifest};
pub use site_diff::SiteField;
