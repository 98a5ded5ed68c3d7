//! The probe from a chosen local address (`source_address`): the target sees it as the peer,
//! an address that is not on this host and one of the other IP family fail with clear texts.
//! Linux routes all of 127.0.0.0/8 to loopback, so 127.0.0.2 and 127.0.0.3 need no set-up.

mod common;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use common::{error_text, options, probe_as};
use lookout_domain::CheckOutcome;
use lookout_domain::checks::CheckSpec;
use lookout_probe::ProbeOptions;
use lookout_target_farm::TargetServer;

const SECOND: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));
const THIRD: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 3));

async fn probe_from(source: IpAddr, url: &str) -> CheckOutcome {
    let options = ProbeOptions { source_address: Some(source), ..options() };
    probe_as(options, url, &CheckSpec::default()).await
}

#[tokio::test]
async fn the_target_sees_the_source_address_as_the_peer() {
    let target = TargetServer::start().await;
    let url = target.url("/by-source");
    let outcome = probe_from(SECOND, &url).await;
    assert_eq!(outcome.status_code, Some(200), "{outcome:?}");
    let phases = outcome.phases.unwrap_or_else(|| panic!("phases: {outcome:?}"));
    assert!(phases.connect.is_some(), "{phases:?}");
    assert_eq!(target.hits_from("/by-source", SECOND), 1);
    assert_eq!(target.hits_from("/by-source", IpAddr::V4(Ipv4Addr::LOCALHOST)), 0);

    target.fail_sources(&[SECOND]);
    let failing = probe_from(SECOND, &url).await;
    assert_eq!(failing.status_code, Some(503));
    assert!(!failing.is_available());
    assert_eq!(probe_from(THIRD, &url).await.status_code, Some(200));
    assert_eq!(target.hits_from("/by-source", SECOND), 2);
    assert_eq!(target.hits_from("/by-source", THIRD), 1);
}

#[tokio::test]
async fn a_source_address_not_on_this_host_is_a_connect_failure() {
    let target = TargetServer::start().await;
    // TEST-NET-1: documentation only, never an address of this host.
    let outcome = probe_from(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)), &target.url("/ok")).await;
    assert_eq!(outcome.status_code, None);
    assert_eq!(
        error_text(&outcome).as_deref(),
        Some("connect: cannot bind the source address 192.0.2.1: not an address of this host")
    );
    assert_eq!(target.total_hits(), 0);
}

#[tokio::test]
async fn an_ipv6_source_cannot_reach_an_ipv4_only_site() {
    if let Err(e) = std::net::TcpListener::bind((Ipv6Addr::LOCALHOST, 0)) {
        println!("skipped: cannot bind ::1 on this host ({e})");
        return;
    }
    let target = TargetServer::start().await;
    let outcome = probe_from(IpAddr::V6(Ipv6Addr::LOCALHOST), &target.url("/ok")).await;
    assert_eq!(outcome.status_code, None);
    assert_eq!(
        error_text(&outcome).as_deref(),
        Some("connect: the site has no IPv6 address to reach from the source address ::1")
    );
    assert_eq!(target.total_hits(), 0);
}
