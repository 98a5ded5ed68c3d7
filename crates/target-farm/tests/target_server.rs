//! The target server's answers by peer address: `/by-source` fails only for the chosen
//! sources, and hits are counted per path and source (clients bound to 127.0.0.2 and 127.0.0.3;
//! Linux routes all of 127.0.0.0/8 to loopback).

#![expect(clippy::unwrap_used, reason = "test helpers fail the test loudly")]

use std::net::IpAddr;

use lookout_target_farm::TargetServer;

const SECOND: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 2));
const THIRD: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 3));

/// The status and body of `GET url` from a connection bound to `source`.
async fn get_from(source: IpAddr, url: &str) -> (u16, String) {
    let client = reqwest::Client::builder().local_address(source).build().unwrap();
    let response = client.get(url).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

#[tokio::test]
async fn by_source_fails_only_for_the_chosen_peers_until_changed() {
    let target = TargetServer::start().await;
    let url = target.url("/by-source");
    assert_eq!(get_from(SECOND, &url).await, (200, "ok".to_owned()));

    target.fail_sources(&[SECOND]);
    assert_eq!(get_from(SECOND, &url).await, (503, "failing for 127.0.0.2".to_owned()));
    assert_eq!(get_from(THIRD, &url).await, (200, "ok".to_owned()));

    target.fail_sources(&[THIRD]);
    assert_eq!(get_from(SECOND, &url).await, (200, "ok".to_owned()));
    assert_eq!(get_from(THIRD, &url).await, (503, "failing for 127.0.0.3".to_owned()));

    target.fail_sources(&[]);
    assert_eq!(get_from(THIRD, &url).await, (200, "ok".to_owned()));
    assert_eq!(target.hits("/by-source"), 6);
}

#[tokio::test]
async fn hits_are_counted_per_path_and_source() {
    let target = TargetServer::start().await;
    get_from(SECOND, &target.url("/by-source")).await;
    get_from(SECOND, &target.url("/by-source")).await;
    get_from(THIRD, &target.url("/by-source")).await;
    get_from(THIRD, &target.url("/ok?status=204")).await;
    assert_eq!(target.hits_from("/by-source", SECOND), 2);
    assert_eq!(target.hits_from("/by-source", THIRD), 1);
    assert_eq!(target.hits_from("/ok", THIRD), 1);
    assert_eq!(target.hits_from("/ok", SECOND), 0);
    assert_eq!(target.hits_from("/by-source", IpAddr::from([127, 0, 0, 1])), 0);
    assert_eq!(target.hits("/by-source"), 3);
}

#[tokio::test]
async fn a_delay_set_at_run_time_holds_new_requests_until_changed() {
    let target = TargetServer::start().await;
    let url = target.url("/held");
    target.set_delay("/held", std::time::Duration::from_secs(3600));
    let client = reqwest::Client::new();
    let held = client.get(&url).timeout(std::time::Duration::from_millis(500)).send().await;
    assert!(held.unwrap_err().is_timeout(), "taken, never answered");
    assert_eq!(target.hits("/held"), 1, "counted as it arrived");
    target.set_delay("/held", std::time::Duration::ZERO);
    assert_eq!(get_from(SECOND, &url).await, (200, "oo".to_owned()));
}
