//! The address guard of channel URLs (the same rule as probed sites): a resolver that drops
//! every address the policy does not permit, and a check of IP literals, which never reach a
//! resolver. Applied when connecting, so a name that resolves (or re-binds) to a private
//! address is caught too.

use std::net::{IpAddr, SocketAddr};

use lookout_domain::website::AddressPolicy;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Every address of the channel's host is one the policy refuses.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("private address refused")]
pub(crate) struct PrivateAddress;

/// The host name does not resolve.
#[derive(Debug, thiserror::Error)]
pub(crate) enum LookupFailure {
    #[error("dns: no such host")]
    NoSuchHost,
    #[error("dns: temporary failure")]
    Temporary,
    #[error("dns: lookup failed")]
    Other,
}

/// Resolves with the system resolver and keeps the permitted addresses only.
#[derive(Debug, Clone)]
pub(crate) struct GuardedResolver {
    pub(crate) addresses: AddressPolicy,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        let policy = self.addresses.clone();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map_err(|e| lookup_failure(&e))?
                .collect();
            if found.is_empty() {
                return Err(LookupFailure::NoSuchHost.into());
            }
            let permitted: Vec<SocketAddr> =
                found.into_iter().filter(|address| policy.permits(address.ip())).collect();
            if permitted.is_empty() {
                return Err(PrivateAddress.into());
            }
            let addresses: Addrs = Box::new(permitted.into_iter());
            Ok(addresses)
        })
    }
}

fn lookup_failure(error: &std::io::Error) -> LookupFailure {
    let message = error.to_string();
    if message.contains("not known")
        || message.contains("No address associated")
        || message.contains("nodename nor servname")
        || message.contains("no addresses")
    {
        LookupFailure::NoSuchHost
    } else if message.contains("Temporary failure") {
        LookupFailure::Temporary
    } else {
        LookupFailure::Other
    }
}

/// Refuses a URL whose host is an IP literal the policy does not permit.
pub(crate) fn check_literal(url: &url::Url, policy: &AddressPolicy) -> Result<(), PrivateAddress> {
    let ip: Option<IpAddr> = match url.host() {
        Some(url::Host::Ipv4(ip)) => Some(ip.into()),
        Some(url::Host::Ipv6(ip)) => Some(ip.into()),
        _ => None,
    };
    match ip {
        Some(ip) if !policy.permits(ip) => Err(PrivateAddress),
        _ => Ok(()),
    }
}
