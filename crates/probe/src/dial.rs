//! Where an attempt connects: the URL's host and port, the host's addresses, and the TCP
//! connection to the first that answers — from `probe.source_address` when it is set (a host
//! with several addresses, a region's egress), else from whatever address the system picks.

use std::net::{IpAddr, SocketAddr};

use lookout_domain::monitoring::{ConnectFailure, DnsFailure, ProbeFailure};
use tokio::net::{TcpSocket, TcpStream};
use url::Url;

use crate::failure;

/// Host, port and scheme of a URL.
pub(crate) struct Target {
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) https: bool,
    /// The host is an IP address (no name to look up).
    pub(crate) literal: bool,
    /// `host[:port]` as the `Host` header wants it (port only when not the default).
    pub(crate) authority: String,
}

impl Target {
    pub(crate) fn of(url: &Url) -> Result<Self, ProbeFailure> {
        let https = url.scheme() == "https";
        let host = match url.host() {
            Some(url::Host::Domain(domain)) => domain.to_owned(),
            Some(url::Host::Ipv4(ip)) => ip.to_string(),
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            None => return Err(ProbeFailure::UrlWithoutHost),
        };
        let port = url.port_or_known_default().unwrap_or(if https { 443 } else { 80 });
        let host_in_authority = url.host_str().unwrap_or(&host).to_owned();
        let authority = match url.port() {
            Some(port) => format!("{host_in_authority}:{port}"),
            None => host_in_authority,
        };
        let literal = host.parse::<IpAddr>().is_ok();
        Ok(Self { host, port, https, literal, authority })
    }

    pub(crate) async fn resolve(&self) -> Result<Vec<SocketAddr>, ProbeFailure> {
        if let Ok(ip) = self.host.parse::<IpAddr>() {
            return Ok(vec![SocketAddr::new(ip, self.port)]);
        }
        let addresses: Vec<SocketAddr> = tokio::net::lookup_host((self.host.as_str(), self.port))
            .await
            .map_err(|e| failure::dns(&e))?
            .collect();
        if addresses.is_empty() {
            return Err(ProbeFailure::Dns(DnsFailure::NoSuchHost));
        }
        Ok(addresses)
    }
}

/// Opens the TCP connections of every check, from one local address when `source` is set.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Dialer {
    pub(crate) source: Option<IpAddr>,
}

impl Dialer {
    /// Tries each address in turn; the last error counts. With a source address, the addresses
    /// of the other IP family cannot be reached from it and are skipped.
    pub(crate) async fn connect_any(
        &self,
        addresses: &[SocketAddr],
    ) -> Result<TcpStream, ProbeFailure> {
        let source = self.source;
        let reachable: Vec<SocketAddr> = addresses
            .iter()
            .copied()
            .filter(|address| source.is_none_or(|source| same_family(source, *address)))
            .collect();
        if let Some(address) = source.filter(|_| reachable.is_empty() && !addresses.is_empty()) {
            return Err(ProbeFailure::Connect(ConnectFailure::NoAddressOfSourceFamily { address }));
        }
        let mut last = ProbeFailure::Connect(ConnectFailure::NoAddress);
        for address in reachable {
            match self.connect(address).await {
                Ok(stream) => return Ok(stream),
                // The same source fails to bind for every address.
                Err(bind @ ProbeFailure::Connect(ConnectFailure::SourceAddress { .. })) => {
                    return Err(bind);
                }
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    async fn connect(&self, address: SocketAddr) -> Result<TcpStream, ProbeFailure> {
        let Some(source) = self.source else {
            return TcpStream::connect(address).await.map_err(|e| failure::connect(&e));
        };
        let socket = if source.is_ipv4() { TcpSocket::new_v4() } else { TcpSocket::new_v6() }
            .map_err(|e| failure::connect(&e))?;
        socket.bind(SocketAddr::new(source, 0)).map_err(|e| failure::bind(source, &e))?;
        socket.connect(address).await.map_err(|e| failure::connect(&e))
    }
}

fn same_family(source: IpAddr, address: SocketAddr) -> bool {
    source.is_ipv4() == address.is_ipv4()
}
