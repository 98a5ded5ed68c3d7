//! `lookout apply` and `lookout export`: monitoring as code, as a client of a running lookout's
//! API (`POST /api/apply`, `GET /api/export`).

mod apply;
mod export;
mod plan_text;

pub(crate) use apply::{ApplyArgs, apply};
pub(crate) use export::{ExportArgs, export};
