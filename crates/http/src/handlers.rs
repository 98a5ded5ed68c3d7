//! One module per endpoint.

pub(crate) mod acknowledge_incident;
mod alert_query;
#[cfg(test)]
mod channel_tests;
pub(crate) mod create_channel;
pub(crate) mod create_maintenance;
pub(crate) mod create_website;
pub(crate) mod delete_channel;
pub(crate) mod delete_maintenance;
pub(crate) mod delete_website;
pub(crate) mod get_certificate;
pub(crate) mod get_channel;
pub(crate) mod get_incident;
pub(crate) mod get_maintenance;
pub(crate) mod get_metrics;
pub(crate) mod get_stats;
pub(crate) mod get_status;
pub(crate) mod get_website;
pub(crate) mod health;
pub(crate) mod history_query;
pub(crate) mod list_channels;
pub(crate) mod list_checks;
pub(crate) mod list_deliveries;
pub(crate) mod list_downtimes;
pub(crate) mod list_incidents;
pub(crate) mod list_maintenance;
pub(crate) mod list_nodes;
pub(crate) mod list_stats;
pub(crate) mod list_websites;
pub(crate) mod retry_delivery;
pub(crate) mod sla_report;
pub(crate) mod test_channel;
pub(crate) mod update_channel;
pub(crate) mod update_maintenance;
pub(crate) mod update_website;
