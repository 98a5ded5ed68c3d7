//! One module per endpoint.

pub(crate) mod create_website;
pub(crate) mod delete_website;
pub(crate) mod get_metrics;
pub(crate) mod get_stats;
pub(crate) mod get_status;
pub(crate) mod get_website;
pub(crate) mod health;
mod history_query;
pub(crate) mod list_checks;
pub(crate) mod list_downtimes;
pub(crate) mod list_nodes;
pub(crate) mod list_stats;
pub(crate) mod list_websites;
pub(crate) mod sla_report;
pub(crate) mod update_website;
