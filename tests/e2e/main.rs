//! End-to-end tests: the real `lookout` binary, started on port 0 against a database of the
//! test's own (SQLite, and PostgreSQL when `LOOKOUT_TEST_POSTGRES_URL` is set), driven over HTTP.

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "test helpers fail the test loudly")]
mod helpers;

mod address_guard;
mod alerts_api;
mod alerts_delivery;
mod alerts_two_nodes;
mod assertions;
mod auth;
mod badges;
mod binary;
mod browser;
mod check_settings_api;
mod config_file;
mod crash;
mod disk_full;
mod document_channels;
mod document_pages;
mod documents;
mod generated_client;
mod health;
mod history;
mod hostile_input;
mod hostile_targets;
mod maintenance;
mod metrics_lint;
mod monitoring;
mod nodes;
mod openapi;
mod outage;
mod region_stats;
mod regions;
mod regions_api;
mod release_elision;
mod retention;
mod scale_out;
mod sites_cli;
mod status_pages;
mod web_pages;
mod websites_api;
mod websites_errors;
