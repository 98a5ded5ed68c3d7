//! lookout's persistence adapter: diesel + diesel-async over SQLite (the embedded default,
//! through `SyncConnectionWrapper`) or PostgreSQL (a pool of `AsyncPgConnection`), chosen at run
//! time by the database URL. Row types and diesel errors stay in here; the rest of lookout sees
//! domain types and domain errors only.

mod alert_batch;
mod alert_batch_write;
mod alert_openings;
mod alert_policies;
mod alert_timers;
mod api_tokens;
mod certificates;
mod channels;
mod check_batch;
mod check_batch_sqlite;
mod check_partitions;
mod check_settings;
mod check_sums;
mod check_writer;
mod connection;
mod delivery_rows;
mod error;
mod history;
mod incidents;
mod maintenance_windows;
mod manifest_items;
mod manifest_writes;
mod migrations;
mod nodes;
mod outbox;
mod outbox_attempts;
mod ownership;
mod phase_columns;
mod region_vote;
mod rollups;
mod rollups_sqlite;
mod rows;
mod schema;
mod secrets;
mod server_settings;
mod shared_schedule;
mod shared_slots;
mod site_counts;
mod site_listing;
mod site_patch;
mod site_verdicts;
mod sqlite_transaction;
mod status_pages;
mod store;
mod time_conv;
mod website_repository;
mod writer_health;
mod writer_loop;

#[cfg(feature = "test-support")]
pub mod test_support;

pub use check_writer::{BatchRecorder, CheckWriterOptions};
pub use connection::{DatabaseUrl, DatabaseUrlError};
pub use error::StoreError;
pub use shared_schedule::PgSharedSchedule;
pub use store::{Backend, Store, StoreOptions};
pub use writer_health::CheckWriterHealth;
